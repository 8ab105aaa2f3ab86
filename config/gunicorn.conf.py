# gunicorn settings shared by `make run`, the benchmarks and the deployment examples:
#     gunicorn -c config/gunicorn.conf.py --workers 2 --bind 127.0.0.1:5000 wsgi:app
# Command-line options override what is set here.

accesslog = None        # no access log: IP addresses are personal data
errorlog = "-"
limit_request_line = 4094


def on_starting(server):
    # gunicorn's own answers to malformed requests (414, 400) get the forum's headers.
    from forum.serving import install_error_pages

    install_error_pages()
