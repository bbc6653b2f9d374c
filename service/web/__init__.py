"""The web app: the JSON API (``api``, ``admin``), the pages (``pages``), and where analysis runs
(``pool``: in the request's thread, or in processes beside the front). ``create_app`` is the
factory; importing this package loads nothing else, so the analysis processes stay free of Flask.
"""


def create_app(config: dict | None = None):
    from service.web.app import create_app as factory

    return factory(config)
