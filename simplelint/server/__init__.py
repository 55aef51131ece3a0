"""`simplelint server` (`simplelint.server.app.start`): a Language Server Protocol server over stdio, built on
pygls (the `server` extra).

- `app`: pygls's wiring, the session (workspace folders, open documents) and its threads.
- `project`: a folder's settings, its files' facts in memory, and the `Join` seam that turns them into
  project-wide findings.
- `documents`: an open document's buffer, its lint and its diagnostics.
- `actions`: quick fixes, `# noqa`, fix all, hover.
- `positions`: simplelint's 1-based character columns to and from LSP's negotiated encoding.
"""

