"""Methods that a library base class calls on its subclass's behalf (protocol methods).

`class UTC(tzinfo)` defines `utcoffset`, which no code of the project calls: `datetime` does, once a UTC
instance is used. SL301 counts such a method reached when its class is used by reached code. The table
maps a base class, by the dotted name the code imports it under, to the names (fnmatch patterns where they
hold a `*`) it calls; `protocol-methods` in `[tool.simplelint.tests]` adds entries, each written
`"package.module.Base.method"` (the last part may be a pattern: `"mylib.Plugin.on_*"`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_IO = ("read", "readinto", "read1", "readall", "readline", "readlines", "write", "seek", "tell", "close",
       "flush", "readable", "writable", "seekable", "fileno", "isatty", "truncate", "detach")  # fmt: skip
_HANDLER = ("emit", "flush", "close", "handle", "handleError", "format", "filter", "setFormatter", "createLock")
_SOCKETSERVER_HANDLER = ("setup", "handle", "finish")
_SERVER = ("server_bind", "server_activate", "server_close", "get_request", "verify_request", "process_request",
           "finish_request", "handle_error", "handle_timeout", "service_actions", "shutdown_request",
           "close_request", "fileno")  # fmt: skip
_HTTP_HANDLER = (*_SOCKETSERVER_HANDLER, "do_*", "handle_one_request", "handle_expect_100", "log_message",
                 "log_request", "log_error", "send_error", "send_response", "end_headers", "version_string",
                 "date_time_string", "address_string")  # fmt: skip
_VISITOR = ("visit", "visit_*", "generic_visit")
_THREAD = ("run",)
_ASYNC_PROTOCOL = ("connection_made", "connection_lost", "data_received", "eof_received", "pause_writing",
                   "resume_writing", "datagram_received", "error_received", "get_buffer", "buffer_updated",
                   "pipe_data_received", "pipe_connection_lost", "process_exited")  # fmt: skip
_SAX = ("startDocument", "endDocument", "startElement", "endElement", "startElementNS", "endElementNS",
        "characters", "ignorableWhitespace", "processingInstruction", "setDocumentLocator", "skippedEntity",
        "startPrefixMapping", "endPrefixMapping")  # fmt: skip
_URLLIB_HANDLER = ("*_open", "*_request", "*_response", "http_error_*", "close")

PROTOCOLS: Mapping[str, tuple[str, ...]] = {
    "datetime.tzinfo": ("utcoffset", "dst", "tzname", "fromutc"),
    "html.parser.HTMLParser": ("handle_*", "unknown_decl", "error", "close", "reset"),
    "io.IOBase": _IO, "io.RawIOBase": _IO, "io.BufferedIOBase": _IO, "io.TextIOBase": _IO,
    "json.JSONEncoder": ("default", "encode", "iterencode"),
    "json.JSONDecoder": ("decode", "raw_decode"),
    "logging.Handler": _HANDLER, "logging.StreamHandler": _HANDLER, "logging.FileHandler": _HANDLER,
    "logging.handlers.RotatingFileHandler": _HANDLER, "logging.handlers.BufferingHandler": (*_HANDLER, "shouldFlush"),
    "logging.handlers.QueueHandler": (*_HANDLER, "prepare", "enqueue"),
    "logging.Filter": ("filter",),
    "logging.Formatter": ("format", "formatTime", "formatException", "formatStack", "formatMessage", "usesTime"),
    "logging.LoggerAdapter": ("process",),
    "ast.NodeVisitor": _VISITOR, "ast.NodeTransformer": _VISITOR,
    "threading.Thread": _THREAD, "multiprocessing.Process": _THREAD,
    "socketserver.BaseRequestHandler": _SOCKETSERVER_HANDLER,
    "socketserver.StreamRequestHandler": _SOCKETSERVER_HANDLER,
    "socketserver.DatagramRequestHandler": _SOCKETSERVER_HANDLER,
    "socketserver.BaseServer": _SERVER, "socketserver.TCPServer": _SERVER, "socketserver.UDPServer": _SERVER,
    "socketserver.ThreadingTCPServer": _SERVER, "http.server.HTTPServer": _SERVER,
    "http.server.ThreadingHTTPServer": _SERVER,
    "http.server.BaseHTTPRequestHandler": _HTTP_HANDLER, "http.server.SimpleHTTPRequestHandler": _HTTP_HANDLER,
    "http.cookiejar.CookiePolicy": ("set_ok", "return_ok", "domain_return_ok", "path_return_ok"),
    "http.cookiejar.DefaultCookiePolicy": ("set_ok", "return_ok", "domain_return_ok", "path_return_ok"),
    "urllib.request.BaseHandler": _URLLIB_HANDLER,
    "string.Formatter": ("parse", "get_field", "get_value", "check_unused_args", "format_field", "convert_field",
                         "vformat"),  # fmt: skip
    "cmd.Cmd": ("do_*", "help_*", "complete_*", "default", "emptyline", "precmd", "postcmd", "preloop", "postloop",
                "onecmd", "completedefault"),  # fmt: skip
    "asyncio.Protocol": _ASYNC_PROTOCOL, "asyncio.BaseProtocol": _ASYNC_PROTOCOL,
    "asyncio.DatagramProtocol": _ASYNC_PROTOCOL, "asyncio.SubprocessProtocol": _ASYNC_PROTOCOL,
    "asyncio.BufferedProtocol": _ASYNC_PROTOCOL,
    "xml.sax.handler.ContentHandler": _SAX, "xml.sax.ContentHandler": _SAX,
    "importlib.abc.MetaPathFinder": ("find_spec", "find_module", "invalidate_caches"),
    "importlib.abc.PathEntryFinder": ("find_spec", "invalidate_caches"),
    "importlib.abc.Loader": ("create_module", "exec_module", "load_module", "module_repr"),
    "importlib.abc.SourceLoader": ("create_module", "exec_module", "get_data", "get_filename", "path_stats",
                                   "set_data", "get_source", "get_code", "is_package"),  # fmt: skip
    "codecs.Codec": ("encode", "decode"),
    "codecs.IncrementalEncoder": ("encode", "reset", "getstate", "setstate"),
    "codecs.IncrementalDecoder": ("decode", "reset", "getstate", "setstate"),
    "argparse.Action": ("format_usage",),
    "argparse.HelpFormatter": ("format_help", "add_usage", "add_argument", "add_arguments", "start_section",
                               "end_section", "add_text"),  # fmt: skip
    "unittest.TestCase": ("run", "debug", "shortDescription", "id"),
    "collections.abc.Mapping": ("get", "keys", "items", "values"),
    "collections.abc.MutableMapping": ("get", "keys", "items", "values", "pop", "popitem", "clear", "update",
                                       "setdefault"),  # fmt: skip
    # Third-party frameworks the corpus uses.
    "click.ParamType": ("convert", "get_metavar", "get_missing_message", "shell_complete", "split_envvar_value",
                        "to_info_dict"),  # fmt: skip
    "click.Command": ("invoke", "parse_args", "format_help", "get_help", "get_usage", "make_context", "main",
                      "shell_complete", "get_params", "format_usage", "format_options", "format_epilog"),  # fmt: skip
    "click.Group": ("invoke", "get_command", "list_commands", "resolve_command", "parse_args", "format_commands",
                    "make_context", "main", "shell_complete"),  # fmt: skip
    "click.Path": ("convert", "shell_complete", "to_info_dict", "coerce_path_result"),
    "click.Choice": ("convert", "get_metavar", "shell_complete", "to_info_dict"),
    "werkzeug.routing.BaseConverter": ("to_python", "to_url"),
    "werkzeug.test.Client": ("open", "run_wsgi_app", "resolve_redirect"),
    "werkzeug.test.EnvironBuilder": ("json_dumps", "get_environ", "get_request", "close"),
    "werkzeug.wrappers.Request": ("max_content_length", "max_form_memory_size", "max_form_parts",
                                  "on_json_loading_failed", "make_form_data_parser"),  # fmt: skip
    "werkzeug.wrappers.Response": ("max_cookie_size", "get_wsgi_headers", "get_app_iter", "close"),
    "jinja2.BaseLoader": ("get_source", "list_templates", "load"),
    "jinja2.Environment": ("get_template", "select_template", "join_path", "getattr", "getitem", "call_filter",
                           "call_test"),  # fmt: skip
}  # fmt: skip


def protocol_table(extra: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """The built-in table with `protocol-methods` entries (`"pkg.mod.Base.method"`) added."""
    table = {base: names for base, names in PROTOCOLS.items() if names}
    for entry in extra:
        base, _, name = entry.rpartition(".")
        if base and name:
            table[base] = (*table.get(base, ()), name)
    return table
