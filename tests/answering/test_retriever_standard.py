"""The retriever passes LangChain's standard retriever tests (``langchain-tests``): it returns
Documents, and ``k`` works both as a constructor parameter and per call."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.answering.retrieve import GuidanceRetriever
from tests.conftest import assistant_with_document


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assistant = assistant_with_document(tmp_path_factory, "extra.txt", "An extra note on pooled budgets.\n")
    return {"index": assistant.index, "lexical": assistant.lexical, "embeddings": assistant.embeddings}


class TestGuidanceRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _backends(self, backends: dict[str, Any]) -> None:
        type(self).backends = backends

    @property
    def retriever_constructor(self) -> type[GuidanceRetriever]:
        return GuidanceRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return dict(self.backends)

    @property
    def retriever_query_example(self) -> str:
        return "Why do shared services fail?"
