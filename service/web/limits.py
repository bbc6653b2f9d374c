"""Rate limits (Flask-Limiter), counted per client address in the front's memory: the server has
one front process, so the count is exact. Behind a proxy, every client shares the proxy's
address: limit there, or trust its X-Forwarded-For (werkzeug's ProxyFix) before this runs."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=True)
