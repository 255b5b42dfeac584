"""`python app.py console`: the real app in a terminal, talking to an in-process fake Slack.

Modules: ``session`` (the app and the fake, signed requests), ``shell`` (the loop and the
console's own `:commands`), ``blocks_text`` (Block Kit as text), ``modal`` (forms),
``demo`` (`--demo` data). Nothing happens at import time.
"""
