"""The container image tooling, without a container engine: ``scripts/build-image`` (the build
context it assembles, the runtime wheel, engine detection and the engine commands it issues, run
against stand-in ``docker`` and ``buildah`` executables, and its argument errors), and assertions
over the ``Dockerfile`` and ``runtime-requirements.txt`` (no hadolint here)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from importlib import metadata
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support.projects import EXAMPLE_APP_DIR

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SCRIPT = PACKAGE_DIR / "scripts" / "build-image"
DOCKERFILE = PACKAGE_DIR / "Dockerfile"
RUNTIME_REQUIREMENTS = PACKAGE_DIR / "runtime-requirements.txt"
DEV_REQUIREMENTS = PACKAGE_DIR.parents[2] / "requirements-dev.txt"
HASH = "0" * 64
FAKE_IMAGE_ID = "sha256:" + "ab" * 32

def load_build_image() -> ModuleType:
    loader = SourceFileLoader("zonke_build_image", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module
    # No byte code next to a script without the .py suffix (it would be "build-imagecpython-*.pyc").
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


build_image = load_build_image()


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def sample_app(tmp_path: Path) -> Path:
    """A small app with everything an image must hold, and everything it must not."""
    app = tmp_path / "shop"
    write(app / "manage.py", 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n')
    write(app / "requirements.txt", f"django==5.2.19 \\\n    --hash=sha256:{HASH}\n")
    write(app / "shop" / "__init__.py")
    write(app / "shop" / "settings.py", "SECRET_KEY = 'x'\n")
    write(app / "catalog" / "views.py")
    write(app / "catalog" / "static" / "catalog" / "site.css", "body {}\n")
    write(app / "catalog" / "templates" / "catalog" / "home.html", "<html></html>\n")
    # Not for the image:
    for junk in [
        ".env", ".env.production", "deploy.pem", "tls/server.key", ".git/config",
        ".venv/lib/site.py", "node_modules/x/index.js", "test-results/counts.json",
        "catalog/__pycache__/views.cpython-312.pyc", "db.sqlite3", "staticfiles/site.css",
        ".pytest_cache/README.md", ".aws/credentials", "catalog/stale.pyc",
    ]:  # fmt: skip
        write(app / junk, "junk\n")
    return app


EXPECTED_APP_FILES = [
    "app/catalog/static/catalog/site.css",
    "app/catalog/templates/catalog/home.html",
    "app/catalog/views.py",
    "app/manage.py",
    "app/requirements.txt",
    "app/shop/__init__.py",
    "app/shop/settings.py",
]


def run_script(args: list[str], path: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={"PATH": path, "HOME": os.environ.get("HOME", "/tmp"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the build context ------------------------------------------------------------------------


def test_the_context_holds_the_dockerfile_the_runtime_and_the_app_without_junk(
    sample_app: Path, tmp_path: Path
) -> None:
    context = tmp_path / "context"
    files = build_image.assemble_context(sample_app, context)
    assert files == sorted(
        [
            "Dockerfile",
            "runtime-requirements.txt",
            "wheels/zonke_django_runtime-0.1.0-py3-none-any.whl",
            *EXPECTED_APP_FILES,
        ]
    )
    assert (context / "Dockerfile").read_bytes() == DOCKERFILE.read_bytes()
    assert (context / "runtime-requirements.txt").read_bytes() == RUNTIME_REQUIREMENTS.read_bytes()


def test_context_dir_assembles_without_an_engine(sample_app: Path, tmp_path: Path) -> None:
    context = tmp_path / "ctx"
    result = run_script(["--app", str(sample_app), "--context-dir", str(context)], path=str(tmp_path / "empty-bin"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"build context in {context}: 10 files (settings shop.settings)\n"
    assert (context / "app" / "manage.py").is_file()
    assert not (context / "app" / ".env").exists()


def test_the_example_apps_context_has_no_junk_or_secrets(tmp_path: Path) -> None:
    files = build_image.assemble_context(EXAMPLE_APP_DIR, tmp_path / "context")
    app_files = [name.removeprefix("app/") for name in files if name.startswith("app/")]
    assert "manage.py" in app_files and "requirements.txt" in app_files
    assert any(name.startswith("catalog/migrations/0001_") for name in app_files)
    assert any(name.startswith("catalog/static/") for name in app_files)
    for name in app_files:
        parts = name.split("/")
        assert not set(parts) & {".venv", "node_modules", "test-results", "__pycache__", ".git", "staticfiles"}, name
        assert not re.search(r"(\.pyc|\.sqlite3|\.pem|\.key)$|(^|/)\.env", name), name


def test_every_copy_source_of_the_dockerfile_is_in_the_context(sample_app: Path, tmp_path: Path) -> None:
    context = tmp_path / "context"
    build_image.assemble_context(sample_app, context)
    sources = [
        source
        for instruction, args in dockerfile_instructions()
        if instruction == "COPY" and not args.startswith("--from")
        for source in shlex.split(args)[:-1]
    ]
    assert sources == [
        "app/requirements.txt",
        "runtime-requirements.txt",
        "wheels/",
        "app/",
    ]
    for source in sources:
        assert (context / source).exists(), source


def test_the_runtime_wheel_is_reproducible_and_installs_the_console_script(tmp_path: Path) -> None:
    first = build_image.build_runtime_wheel(tmp_path / "a")
    second = build_image.build_runtime_wheel(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()  # the image's layer cache holds

    with zipfile.ZipFile(first) as wheel:
        names = wheel.namelist()
        entry_points = wheel.read("zonke_django_runtime-0.1.0.dist-info/entry_points.txt").decode()
        wheel_metadata = wheel.read("zonke_django_runtime-0.1.0.dist-info/METADATA").decode()
        record = wheel.read("zonke_django_runtime-0.1.0.dist-info/RECORD").decode()
        for line in record.splitlines():
            path, digest, _ = line.split(",")
            if digest:
                actual = hashlib.sha256(wheel.read(path)).digest()
                assert digest == "sha256=" + base64.urlsafe_b64encode(actual).rstrip(b"=").decode()
    assert {"zonke_runtime/entry.py", "zonke_runtime/handler.py", "zonke_runtime/py.typed"} <= set(names)
    assert "zonke_runtime/secrets/loader.py" in names
    assert not [name for name in names if name.startswith("tests/") or "__pycache__" in name or name.endswith(".pyc")]
    assert entry_points == "[console_scripts]\nzonke-runtime = zonke_runtime.entry:main\n"
    assert "Requires-Dist: boto3>=1.28.57" in wheel_metadata.splitlines()

    # Installed by pip into a virtualenv without pip, as the image does (--python).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
         "--disable-pip-version-check", "--no-deps", "--no-index", str(first)],
        check=True,
    )  # fmt: skip
    script = venv / "bin" / "zonke-runtime"
    assert script.read_text().startswith(f"#!{venv}/bin/python")
    help_run = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and help_run.stdout.startswith("usage: zonke-runtime <command>")
    unknown = subprocess.run([str(script), "serve"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "unknown command 'serve'" in unknown.stderr


# --- engines ----------------------------------------------------------------------------------

FAKE_ENGINE = r'''#!{python}
"""A stand-in for {name}: records its command line; does what build-image needs."""
import json, os, shutil, sys
from pathlib import Path

args = sys.argv[1:]
log = Path(os.environ["FAKE_ENGINE_LOG"])
with log.open("a") as out:
    out.write(json.dumps(["{name}", *args]) + "\n")
if args[:2] == ["--storage-driver", "vfs"]:
    args = args[2:]
command = args[0]
if command == "info":
    if os.environ.get("FAKE_DOCKER_DAEMON") != "up":
        print("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", file=sys.stderr)
        sys.exit(1)
    print("27.0.0")
elif command == "build":
    if os.environ.get("FAKE_BUILD_FAILS"):
        print("STEP 3/14: RUN pip install ... failed", file=sys.stderr)
        sys.exit(1)
    context = Path(args[-1])
    files = sorted(p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file())
    Path(os.environ["FAKE_ENGINE_LOG"] + ".context").write_text("\n".join(files))
    Path(args[args.index("--iidfile") + 1]).write_text("{image_id}")
elif command == "create":
    print("c0ffee")
elif command == "from":
    print("example-working-container")
elif command == "mount":
    print(os.environ["FAKE_IMAGE_ROOT"])
elif command == "cp":
    source = Path(os.environ["FAKE_IMAGE_ROOT"]) / args[1].split(":", 1)[1].removesuffix("/.").lstrip("/")
    shutil.copytree(source, args[2], dirs_exist_ok=True)
'''


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


def install_fake(directory: Path, name: str) -> None:
    path = directory / name
    path.write_text(FAKE_ENGINE.replace("{python}", sys.executable).replace("{name}", name).replace("{image_id}", FAKE_IMAGE_ID))
    path.chmod(0o755)


def fake_image_root(tmp_path: Path) -> Path:
    root = tmp_path / "image-root"
    write(root / "app" / "staticfiles" / "catalog" / "site.0123abcd.css", "body {}\n")
    write(root / "app" / "staticfiles" / "staticfiles.json", "{}\n")
    return root


def logged_commands(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_without_an_engine_it_says_what_to_install(sample_app: Path, fake_bin: Path) -> None:
    result = run_script(["--app", str(sample_app), "--tag", "shop:dev"], path=str(fake_bin))
    assert result.returncode == 3
    assert result.stderr == (
        "build-image: no container engine (docker or buildah) on PATH: install Docker Engine"
        " (https://docs.docker.com/engine/install/) or buildah (Debian/Ubuntu: apt-get install -y"
        " buildah; Fedora: dnf install buildah)\n"
    )


def test_docker_without_its_daemon_and_no_buildah(sample_app: Path, fake_bin: Path, tmp_path: Path) -> None:
    install_fake(fake_bin, "docker")
    log = tmp_path / "engine.log"
    result = run_script(["--app", str(sample_app), "--tag", "shop:dev"], path=str(fake_bin), FAKE_ENGINE_LOG=str(log))
    assert result.returncode == 3
    assert "docker is installed but its engine does not answer (Cannot connect to the Docker daemon" in result.stderr
    assert "install buildah (Debian/Ubuntu: apt-get install -y buildah)" in result.stderr
    assert [command[:2] for command in logged_commands(log)] == [["docker", "info"]]


def test_buildah_when_the_docker_daemon_is_down(sample_app: Path, fake_bin: Path, tmp_path: Path) -> None:
    install_fake(fake_bin, "docker")
    install_fake(fake_bin, "buildah")
    log = tmp_path / "engine.log"
    static_out = tmp_path / "static"
    result = run_script(
        ["--app", str(sample_app), "--tag", "registry.example:5000/shop/web:v1", "--platform", "linux/arm64",
         "--static-out", str(static_out)],
        path=str(fake_bin), FAKE_ENGINE_LOG=str(log), FAKE_IMAGE_ROOT=str(fake_image_root(tmp_path)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "build-image: registry.example:5000/shop/web:v1 with buildah, 10 files in the context"
    assert lines[-3:] == [
        "image: registry.example:5000/shop/web:v1",
        f"digest: {FAKE_IMAGE_ID} (image id: the config's sha256; the registry reports the manifest digest on push)",
        f"static files: 2 in {static_out}",
    ]
    assert (static_out / "catalog" / "site.0123abcd.css").read_text() == "body {}\n"

    commands = logged_commands(log)
    assert [command[:2] for command in commands] == [
        ["docker", "info"],
        ["buildah", "--storage-driver"],
        ["buildah", "--storage-driver"],
        ["buildah", "--storage-driver"],
        ["buildah", "--storage-driver"],
        ["buildah", "--storage-driver"],
    ]
    build, from_, mount, umount, rm = (command[4:] for command in commands[1:])
    assert commands[1][1:4] == ["--storage-driver", "vfs", "build"]
    options = dict(zip(build[:-1:], build[1:]))
    assert options["--isolation"] == "chroot"
    assert "--layers" in build
    assert options["--tag"] == "registry.example:5000/shop/web:v1"
    assert options["--platform"] == "linux/arm64"
    assert build.count("--build-arg") == 1
    assert options["--build-arg"] == "DJANGO_SETTINGS_MODULE=shop.settings"
    assert Path(options["--file"]).name == "Dockerfile"
    assert Path(options["--file"]).parent == Path(build[-1])
    assert from_ == ["--pull-never", "registry.example:5000/shop/web:v1"]
    assert mount == umount == rm == ["example-working-container"]
    assert (tmp_path / "engine.log.context").read_text().splitlines() == sorted(
        ["Dockerfile", "runtime-requirements.txt", "wheels/zonke_django_runtime-0.1.0-py3-none-any.whl", *EXPECTED_APP_FILES]
    )
    assert not Path(build[-1]).exists()  # the temporary context is gone


def test_docker_when_its_daemon_answers(sample_app: Path, fake_bin: Path, tmp_path: Path) -> None:
    install_fake(fake_bin, "docker")
    install_fake(fake_bin, "buildah")
    log = tmp_path / "engine.log"
    static_out = tmp_path / "static"
    result = run_script(
        ["--app", str(sample_app), "--tag", "shop:dev", "--settings", "shop.settings",
         "--base-image", "mirror.example/python:3.12-slim-bookworm", "--static-out", str(static_out)],
        path=str(fake_bin), FAKE_ENGINE_LOG=str(log), FAKE_DOCKER_DAEMON="up",
        FAKE_IMAGE_ROOT=str(fake_image_root(tmp_path)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"digest: {FAKE_IMAGE_ID}" in result.stdout
    commands = logged_commands(log)
    assert [command[:2] for command in commands] == [
        ["docker", "info"], ["docker", "build"], ["docker", "create"], ["docker", "cp"], ["docker", "rm"],
    ]  # fmt: skip
    build = commands[1]
    assert "--isolation" not in build and "--platform" not in build
    assert [build[i + 1] for i, word in enumerate(build) if word == "--build-arg"] == [
        "DJANGO_SETTINGS_MODULE=shop.settings",
        "PYTHON_IMAGE=mirror.example/python:3.12-slim-bookworm",
    ]
    assert commands[3][2:] == ["c0ffee:/app/staticfiles/.", str(static_out)]
    assert sorted(p.name for p in static_out.rglob("*") if p.is_file()) == ["site.0123abcd.css", "staticfiles.json"]


def test_a_failed_build_exits_1(sample_app: Path, fake_bin: Path, tmp_path: Path) -> None:
    install_fake(fake_bin, "buildah")
    result = run_script(
        ["--app", str(sample_app), "--tag", "shop:dev"],
        path=str(fake_bin), FAKE_ENGINE_LOG=str(tmp_path / "engine.log"), FAKE_BUILD_FAILS="1",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.endswith("build-image: buildah build failed (exit 1)\n")
    assert "digest" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", "shop:dev"], "--app is required"),
        (["--app", "{app}"], "--tag is required (e.g. --tag example-django:dev)"),
        (["--app", "{app}", "--tag", "Shop:dev"], "--tag 'Shop:dev' is not an image reference"),
        (["--app", "{app}", "--tag", "shop:dev", "--platform", "linux/386"], "argument --platform: invalid choice: 'linux/386'"),
        (["--app", "{app}/nowhere", "--tag", "shop:dev"], "--app {app}/nowhere: not a directory"),
        (["--app", "{app}", "--tag", "shop:dev", "--settings", "shop"], "--settings 'shop' is not a dotted module name"),
        (["--app", "{app}", "--tag", "shop:dev", "--settings", "shop.prod"], "--settings shop.prod: neither {app}/shop/prod.py nor"),
        (["--app", "{app}", "--tag", "shop:dev", "--static-out", "{app}"], "--static-out {app}: must be an empty directory or not exist"),
        (["--app", "{app}", "--tag", "shop:dev", "--engine", "podman"], "argument --engine: invalid choice: 'podman'"),
    ],
)
def test_argument_errors_exit_2(args: list[str], message: str, sample_app: Path, fake_bin: Path) -> None:
    install_fake(fake_bin, "buildah")  # an engine is there: the arguments are what fails
    result = run_script([arg.replace("{app}", str(sample_app)) for arg in args], path=str(fake_bin))
    assert result.returncode == 2
    assert message.replace("{app}", str(sample_app)) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_app_without_hashed_requirements_is_refused(sample_app: Path, fake_bin: Path) -> None:
    install_fake(fake_bin, "buildah")
    (sample_app / "requirements.txt").write_text(
        f"# pinned\ndjango==5.2.19 \\\n    --hash=sha256:{HASH}\nrequests>=2\nsix==1.17.0\n"
    )
    result = run_script(["--app", str(sample_app), "--tag", "shop:dev"], path=str(fake_bin))
    assert result.returncode == 2
    assert result.stderr.endswith("not so: requests>=2, six==1.17.0\n")
    (sample_app / "requirements.txt").unlink()
    result = run_script(["--app", str(sample_app), "--tag", "shop:dev"], path=str(fake_bin))
    assert result.returncode == 2
    assert "requirements.txt not found: the image installs the app's dependencies from a requirements.txt pinned with hashes" in result.stderr


def test_settings_come_from_manage_py_or_must_be_given(sample_app: Path) -> None:
    assert build_image.check_app(sample_app, None) == "shop.settings"
    (sample_app / "manage.py").write_text("print('no default')\n")
    with pytest.raises(build_image.BuildError, match="give --settings"):
        build_image.check_app(sample_app, None)


# --- the Dockerfile (what a linter would check, and what this image promises) -----------------


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        if line.strip().startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            instruction, _, args = line.partition(" ")
            instructions.append((instruction.upper(), " ".join(args.split())))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction, args in dockerfile_instructions():
        if instruction == "FROM":
            result.append([])
        if result:
            result[-1].append((instruction, args))
    return result


def test_the_base_image_is_pinned_by_digest() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0][0] == "ARG"
    name, _, default = instructions[0][1].partition("=")
    assert name == "PYTHON_IMAGE"
    assert re.fullmatch(r"python:3\.12-slim-bookworm@sha256:[0-9a-f]{64}", default)
    froms = [args for instruction, args in instructions if instruction == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS builder", "${PYTHON_IMAGE}"]  # both stages, same base


def test_the_final_stage_runs_as_a_non_root_user_with_the_three_commands() -> None:
    final = stages()[-1]
    users = [args for instruction, args in final if instruction == "USER"]
    assert users == ["10001:10001"]
    assert [(i, a) for i, a in final if i in ("ENTRYPOINT", "CMD")] == [
        ("ENTRYPOINT", '["zonke-runtime"]'),
        ("CMD", '["lambda"]'),
    ]
    # USER comes after everything that needs root.
    kinds = [instruction for instruction, _ in final]
    assert kinds.index("USER") > max(i for i, kind in enumerate(kinds) if kind in ("RUN", "COPY"))
    assert any(i == "RUN" and "useradd --uid 10001" in a for i, a in final)


def test_the_final_stage_holds_only_the_virtualenv_and_the_app() -> None:
    final = stages()[-1]
    copies = [args for instruction, args in final if instruction in ("COPY", "ADD")]
    assert copies == ["--from=builder /opt/venv /opt/venv", "--from=builder /app /app"]
    runs = [args for instruction, args in final if instruction == "RUN"]
    assert len(runs) == 1 and "pip" not in runs[0]
    env = " ".join(args for instruction, args in final if instruction == "ENV")
    for setting in (
        "PYTHONDONTWRITEBYTECODE=1",
        "PYTHONUNBUFFERED=1",
        "PATH=/opt/venv/bin:$PATH",
        "PYTHONPATH=/app",
        "DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE}",
    ):
        assert setting in env.split(), setting
    assert ("ARG", "DJANGO_SETTINGS_MODULE") in final


def test_the_builder_installs_hashed_wheels_before_copying_the_app() -> None:
    builder = stages()[0]
    steps = [f"{instruction} {args}" for instruction, args in builder]

    def index(fragment: str) -> int:
        matches = [i for i, step in enumerate(steps) if fragment in step]
        assert len(matches) == 1, (fragment, matches)
        return matches[0]

    requirements = index("pip --python /opt/venv/bin/python install --no-compile --require-hashes")
    assert "--only-binary=:all:" in steps[requirements]
    assert "-r /build/app-requirements.txt -r /build/runtime-requirements.txt" in steps[requirements]
    wheel = index("/build/wheels/*.whl")
    assert "--no-index" in steps[wheel] and "pip --python /opt/venv/bin/python check" in steps[wheel]
    app = index("COPY app/ /app/")
    collectstatic = index("zonke-runtime manage collectstatic --noinput")
    compile_step = index("compileall")
    assert index("COPY app/requirements.txt") < requirements < wheel < app < collectstatic < compile_step
    assert "--invalidation-mode unchecked-hash /opt/venv/lib /app" in steps[compile_step]
    assert "PYTHONDONTWRITEBYTECODE=1" in steps[index("PIP_NO_CACHE_DIR=1")]
    # The placeholder key lives in that one RUN, never in the image's environment.
    assert "DJANGO_SECRET_KEY" not in " ".join(a for i, a in dockerfile_instructions() if i == "ENV")


def test_no_unpinned_or_remote_sources() -> None:
    text = " ".join(f"{i} {a}" for i, a in dockerfile_instructions())
    assert ":latest" not in text
    assert not [a for i, a in dockerfile_instructions() if i == "ADD"]
    assert "apt-get" not in text and "curl " not in text and "wget " not in text
    assert "--trusted-host" not in text and "--extra-index-url" not in text


# --- runtime-requirements.txt -----------------------------------------------------------------


def lock_entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in path.read_text().replace("\\\n", " ").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)", line.strip())
        assert match, f"not a hashed pin: {line!r}"
        entries[canonicalize_name(match.group(1))] = (match.group(2), re.findall(r"[0-9a-f]{64}", match.group(3)))
    return entries


def test_runtime_requirements_pin_the_runtime_with_hashes() -> None:
    entries = lock_entries(RUNTIME_REQUIREMENTS)
    assert {"boto3", "botocore", "awslambdaric", "gunicorn"} <= set(entries)
    dev_pins = {
        canonicalize_name(match.group(1)): match.group(2)
        for match in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)$", DEV_REQUIREMENTS.read_text(), re.MULTILINE)
    }
    for name, (version, hashes) in entries.items():
        assert dev_pins[name] == version, f"{name}: {version} here, {dev_pins[name]} in requirements-dev.txt"
        assert hashes == sorted(set(hashes))
    # awslambdaric is compiled: one wheel per machine (x86_64 and aarch64).
    assert len(entries["awslambdaric"][1]) == 2


def test_runtime_requirements_are_closed_under_their_dependencies() -> None:
    """Everything the pinned packages require on the image (CPython 3.12, Linux) is pinned: pip's
    --require-hashes would refuse the build otherwise."""
    entries = lock_entries(RUNTIME_REQUIREMENTS)
    image = {"python_version": "3.12", "python_full_version": "3.12.0", "sys_platform": "linux",
             "platform_system": "Linux", "platform_machine": "x86_64", "extra": "",
             "implementation_name": "cpython", "platform_python_implementation": "CPython"}  # fmt: skip
    for name, (version, _) in entries.items():
        assert metadata.version(name) == version  # the tests run what the image installs
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(image):
                dependency = canonicalize_name(requirement.name)
                assert dependency in entries, f"{name} requires {text}"
                assert requirement.specifier.contains(entries[dependency][0], prereleases=True), text


def test_the_app_and_the_runtime_agree_on_shared_pins() -> None:
    """Installed in one pip run: a package pinned by both must be the same version and file."""
    app = lock_entries(EXAMPLE_APP_DIR / "requirements.txt")
    runtime = lock_entries(RUNTIME_REQUIREMENTS)
    shared = set(app) & set(runtime)
    assert "gunicorn" in shared
    for name in shared:
        assert app[name][0] == runtime[name][0], name
        assert set(app[name][1]) & set(runtime[name][1]), name
