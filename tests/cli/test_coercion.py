"""Values typer would convert through pydantic are converted without it, to the same result or error."""

from __future__ import annotations

from pathlib import Path

import typer.main
from typer._click import Context
from typer._coercion import build_runtime_param

from lineage.cli import app
from lineage.cli.coercion import PlainValue

VALUES = [None, "mla", "", "-", "0", "12", "-3", "verified", "VERIFIED", "md", "nope", "/tmp", "x/missing.json",
          Path("/tmp"), ("a", "b")]


def _commands(group):
    for command in group.commands.values():
        if hasattr(command, "commands"):
            yield from _commands(command)
        else:
            yield command


def _outcome(converter, value, param, ctx):
    try:
        return "ok", converter.coerce(value, param=param, ctx=ctx)
    except Exception as exc:
        return "error", type(exc), str(exc)


def test_every_parameter_converts_every_value_as_typer_does():
    group = typer.main.get_command(app)
    checked = 0
    for command in _commands(group):
        ctx = Context(command, info_name=command.name)
        for param in command.params:
            if not hasattr(param, "type_descriptor"):
                continue
            for value in VALUES:
                want = _outcome(build_runtime_param(param.type_descriptor), value, param, ctx)
                assert _outcome(PlainValue(param.type_descriptor), value, param, ctx) == want, (command.name, param.name, value)
                checked += 1
    assert checked > 500


def test_a_query_command_builds_no_pydantic_converter(monkeypatch, built_store_path):
    import typer._coercion
    from typer.testing import CliRunner

    def build(descriptor):
        raise AssertionError(f"typer's converter was built for {descriptor.annotation}")

    monkeypatch.setattr(typer._coercion, "build_runtime_param", build)
    result = CliRunner().invoke(app, ["who-uses", "mla", "--store", str(built_store_path)])
    assert result.exit_code == 0, result.output
