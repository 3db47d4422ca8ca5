"""The pre-commit hook (`.pre-commit-hooks.yaml`) and the example CI workflows.

The hook is exercised twice: its entry and args are run the way pre-commit runs them, on a
temporary data repository with a good and a bad register; and, when the `pre-commit`
package is installed, through `pre-commit try-repo` itself — offline: the hook's
environment is built from a copy of this project without an index (setuptools comes from
virtualenv's bundled wheel, the dependencies from this interpreter).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

GOOD = """\
schema: 1
directorates:
  - {id: dv, name: Directie Veiligheid, axis: functional, reviewed: 2026-10-01}
people:
  - {id: d-smit, name: D. Smit, unit: dv, reviewed: 2026-10-01}
"""
BAD = GOOD.replace("unit: dv,", "unit: dvv,")


@pytest.fixture(scope="module")
def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    return hooks[0]


def test_hook_definition(hook):
    assert hook["id"] == "tvb-validate"
    assert hook["entry"] == "tvb validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("data/tvb.yaml") and files.search("register/dsk.yml")
    assert not files.search("README.md") and not files.search("data/tvb.yaml.orig")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=test@example.org", "-c", "user.name=Test",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True)


def _data_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    _git(path, "add", ".")
    _git(path, "commit", "-q", "-m", "register")
    return path


def _run_hook(hook: dict, repo: Path, extra_args: list[str]) -> subprocess.CompletedProcess:
    """Run the hook as pre-commit does: entry + args, at the repository's root, no files."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    cmd = shlex.split(hook["entry"]) + list(hook.get("args", [])) + extra_args
    return subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def test_hook_entry_on_good_and_bad_register(hook, tmp_path):
    repo = _data_repo(tmp_path / "good", {"data/tvb.yaml": GOOD})
    res = _run_hook(hook, repo, [])  # no args: the default data/tvb.yaml
    assert res.returncode == 0, res.stdout + res.stderr
    (repo / "data" / "tvb.yaml").write_text(BAD, encoding="utf-8")
    res = _run_hook(hook, repo, [])
    assert res.returncode == 1
    # the maintainers' language: Dutch, with the suggestion
    assert ("data/tvb.yaml:5:39: fout[E008]: unit 'dvv' is geen bekende eenheid (directie of "
            "afdeling) (bedoelde u 'dv'?)") in res.stdout


def test_hook_entry_with_a_folder_as_args(hook, tmp_path):
    # the data path is configured with `args: [register/]` in .pre-commit-config.yaml
    repo = _data_repo(tmp_path / "split", {
        "register/dv.yaml": GOOD.split("people:")[0],
        "register/mensen.yml": "schema: 1\npeople:" + GOOD.split("people:")[1],
        ".github/workflows/ci.yml": "on: push\n"})  # hidden: not register data
    assert _run_hook(hook, repo, ["register/"]).returncode == 0
    (repo / "register" / "mensen.yml").write_text(
        "schema: 1\npeople:" + BAD.split("people:")[1], encoding="utf-8")
    res = _run_hook(hook, repo, ["register/"])
    assert res.returncode == 1
    assert "register/mensen.yml:3:39: fout[E008]" in res.stdout


# -- the real thing: pre-commit try-repo, offline ---------------------------------------------
_PROJECT_FILES = ("pyproject.toml", ".pre-commit-hooks.yaml", "registry", "tvb", "graph", "web")


def _project_repo(dest: Path) -> tuple[Path, str]:
    """A git repository holding this project's working tree as it is now."""
    dest.mkdir()
    for name in _PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    readme = ROOT / "README.md"
    (dest / "README.md").write_text(readme.read_text(encoding="utf-8") if readme.exists()
                                    else "TVB-register\n", encoding="utf-8")
    _git(dest, "init", "-q")
    _git(dest, "add", ".")
    _git(dest, "commit", "-q", "-m", "snapshot")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True,
                         text=True, check=True).stdout.strip()
    return dest, rev


def _dependency_dir(dest: Path) -> Path:
    """Links to the import packages of the project's dependencies, for PYTHONPATH."""
    import tomllib

    dest.mkdir()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower().replace("_", "-")
              for d in meta["project"]["dependencies"]}
    for top, dists in importlib.metadata.packages_distributions().items():
        if not {d.lower().replace("_", "-") for d in dists} & wanted:
            continue
        spec = importlib.util.find_spec(top)
        if spec is None:
            continue
        origin = (spec.submodule_search_locations[0] if spec.submodule_search_locations
                  else spec.origin)
        if origin and not (dest / Path(origin).name).exists():
            (dest / Path(origin).name).symlink_to(origin)
    return dest


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory):
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("the pre-commit package is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("precommit")
    project, rev = _project_repo(base / "project")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "cache"),
        # No network: pip may not look at any index, and the hook's virtualenv is seeded
        # from virtualenv's own bundled wheels.
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": "",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_DEPS": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling for "build without isolation"
        "VIRTUALENV_SETUPTOOLS": "bundle",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PYTHONPATH": str(_dependency_dir(base / "deps")),
    }
    env.pop("VIRTUAL_ENV", None)
    return project, rev, env


def _precommit(env: dict, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=300)
    if "Installing environment" in res.stdout and "An unexpected error" in res.stdout:
        pytest.skip("pre-commit could not build the hook's environment offline:\n"
                    + res.stdout[-1500:])
    return res


def test_precommit_try_repo(precommit_env, tmp_path):
    # try-repo builds the hook's environment afresh on every call: one call here
    project, _rev, env = precommit_env
    repo = _data_repo(tmp_path / "data-repo", {"data/tvb.yaml": BAD})
    res = _precommit(env, repo, "try-repo", str(project), "tvb-validate", "--all-files")
    assert res.returncode == 1, res.stdout + res.stderr
    assert re.search(r"tvb validate \(TVB-register\)\.+Failed", res.stdout)
    # the maintainers' language: Dutch, with the suggestion
    assert ("data/tvb.yaml:5:39: fout[E008]: unit 'dvv' is geen bekende eenheid (directie of "
            "afdeling) (bedoelde u 'dv'?)") in res.stdout


def test_precommit_config_with_args(precommit_env, tmp_path):
    project, rev, env = precommit_env
    config = (f"repos:\n  - repo: {project}\n    rev: {rev}\n    hooks:\n"
              f"      - id: tvb-validate\n        args: [register/]\n")
    repo = _data_repo(tmp_path / "data-repo", {
        ".pre-commit-config.yaml": config,
        "register/dv.yaml": GOOD.split("people:")[0],
        "register/mensen.yaml": "schema: 1\npeople:" + BAD.split("people:")[1]})
    res = _precommit(env, repo, "run", "--all-files")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "register/mensen.yaml:3:39: error[E008]" in res.stdout
    (repo / "register" / "mensen.yaml").write_text(
        "schema: 1\npeople:" + GOOD.split("people:")[1], encoding="utf-8")
    _git(repo, "add", ".")
    res = _precommit(env, repo, "run", "--all-files")
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"tvb validate \(TVB-register\)\.+Passed", res.stdout)
    # a change to a file the hook does not look at does not run it
    (repo / "notes.txt").write_text("x\n")
    _git(repo, "add", "notes.txt")
    res = _precommit(env, repo, "run", "--files", "notes.txt")
    assert res.returncode == 0
    assert re.search(r"tvb validate \(TVB-register\)\.+\(no files to check\)Skipped",
                     res.stdout)


# -- the example CI workflows -------------------------------------------------------------------
def test_github_actions_example():
    wf = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text())
    steps = wf["jobs"]["validate"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'tvb validate "$DATA" --format github' in runs
    assert "tvb diff --git \"origin/${{ github.base_ref }}\"" in runs and "--format md" in runs
    assert "gh pr comment" in runs
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in steps)
    assert wf["permissions"]["pull-requests"] == "write"


def test_gitlab_ci_example():
    ci = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text())
    assert 'tvb validate "$DATA"' in ci["tvb-validate"]["script"]
    assert ci["tvb-validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    script = "\n".join(ci["tvb-diff"]["script"])
    assert "tvb diff --git \"origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\"" in script
    assert "--format md" in script and "merge_requests/$CI_MERGE_REQUEST_IID/notes" in script
    # the embedded converter turns `tvb validate --format json` into Code Quality entries
    after = "\n".join(ci["tvb-validate"]["after_script"])
    code = after.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0]
    compile(code, "gitlab-ci.yml", "exec")


def test_maintainer_guide_explains_every_validation_code():
    import registry.validate

    codes = re.findall(r"^([EW]\d{3}) ", registry.validate.__doc__, flags=re.M)
    assert len(codes) >= 21
    guide = (ROOT / "docs" / "onderhoud.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| ([EW]\d{3}) \|", guide, flags=re.M))
    assert rows == set(codes)
