"""Web application: the REST API (and, next, the server-rendered pages) over the same services as the CLI.

No logic lives here: routes parse the request, check who is calling, call a
service and shape the answer.
"""
