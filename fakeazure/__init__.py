"""fakeazure: a stateful fake of Azure Resource Manager that the real ``az`` and the Azure SDK talk to.

Layout (modelled on moto): one package per resource provider, each with ``models.py`` (state and the
operations as backend methods, no HTTP), ``responses.py`` (parse a request, call one backend method, render
the result) and ``urls.py`` (the URL table). ``core/`` holds what every provider shares: resource ids,
ARM errors, api-version checks, long-running operations, clocks, faults and the WSGI application.
``guest/`` simulates the Windows/Linux guest that lives on an OS disk.

The same code runs as an HTTPS server (``python -m fakeazure serve``) and in-process
(:mod:`fakeazure.inprocess`).
"""

__version__ = "0.1.0"
