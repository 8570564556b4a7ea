"""The catalog: a whole catalog of images through the API, streamed, journaled, never charged twice.

``process.py`` holds the entry points (``process_catalog``, ``iter_catalog``); ``run.py`` the
state of one run (planning, recording), ``drive.py`` and ``slots.py`` the jobs in flight (one
per API key), ``submit.py`` the create call under back-pressure, ``job_events.py`` webhook
wake-ups, ``journal.py`` the SQLite write-ahead journal, ``planner.py`` the rows and batches,
``outcomes.py`` what a run reports, ``progress.py`` its progress, and ``files.py`` / ``cli.py``
the ``aigenstudio catalog`` command. Built on ``_workflow`` (waiting, results, the facade),
which never imports it.
"""
