"""The app's tabs, one module each: ``build_ask_tab``, ``build_review_tab``, ``build_prompts_tab`` and
``build_about_tab`` lay out a tab inside the app's ``gr.Tabs`` and wire its events to a ``Handlers``."""

from assistant.web.tabs.about import build_about_tab
from assistant.web.tabs.ask import build_ask_tab
from assistant.web.tabs.prompts import build_prompts_tab
from assistant.web.tabs.review import build_review_tab

__all__ = ["build_about_tab", "build_ask_tab", "build_prompts_tab", "build_review_tab"]
