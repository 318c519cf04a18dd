"""The layout stays readable: no import cycles, no module over 400 lines, no function over 80."""

from eval.architecture import cycles, function_sizes, import_graph, module_sizes

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def test_no_import_cycles_in_assistant_ingest_or_eval() -> None:
    assert cycles(import_graph()) == []


def test_cycles_are_found_when_they_exist() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines() -> None:
    assert [entry for entry in module_sizes() if entry[0] > MAX_MODULE_LINES] == []


def test_no_function_is_over_80_lines() -> None:
    assert [entry for entry in function_sizes() if entry[0] > MAX_FUNCTION_LINES] == []
