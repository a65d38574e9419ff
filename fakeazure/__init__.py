"""fakeazure: a stateful fake of Azure Resource Manager that the real ``az`` and the Azure SDK talk to.

Layout (modelled on moto): one package per resource provider, each with ``models`` (state and the
operations as backend methods, no HTTP; Compute and Network have one module per resource family),
``responses.py`` (parse a request, call one backend method, choose the status and body), ``urls.py`` (the
URL table) and ``exceptions.py`` (its ARM error codes as classes). ``core/`` holds what every provider
shares: resource ids, ARM errors, locations, api-version checks, routing and request dispatch, the generic
write mechanism, long-running operations, clocks, faults and the WSGI application; it imports no provider.
``templates/`` is the ARM template language, ``guest/`` simulates the Windows/Linux guest on an OS disk,
``scenarios/`` loads YAML stories through the backends' own operations, and ``cloud.py`` registers the
providers and carries what one asks of another (providers never import each other).

The same code runs as an HTTPS server (``python -m fakeazure serve``) and in-process
(:mod:`fakeazure.inprocess`).
"""

__version__ = "0.1.0"
