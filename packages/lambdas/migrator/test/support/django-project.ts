/**
 * A small real Django project in a temporary folder (outside the repository): one app, two
 * migrations, SQLite. `manage.py migrate` runs for real with the project's virtualenv (Django 5.2
 * from requirements-dev.txt), so outputs, exit codes and tracebacks are Django's own.
 *
 * A "failing" project's second migration prints `noiseLines` lines, a database URL with a password
 * (to check redaction), then raises: Django exits 1 with the traceback at the end of its output.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../../../../..");
export const PYTHON = path.join(REPO_ROOT, ".venv/bin/python");

export const FAILURE_TEXT = "RuntimeError: the seed data is invalid: duplicate product code 'A-1'";
export const LEAKED_PASSWORD = "hunter2-db-password";

export interface DjangoProject {
  readonly dir: string;
  /** Runs `python <args>` in the project, stdout and stderr together. */
  run(args: readonly string[]): { exitCode: number; output: string };
  remove(): void;
}

export function requirePython(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} is missing: run scripts/bootstrap-python (npm test runs it first)`);
  }
}

export function createDjangoProject(
  options: { failing?: boolean; noiseLines?: number } = {},
): DjangoProject {
  requirePython();
  const dir = mkdtempSync(path.join(tmpdir(), "migrator-django-"));
  const files: Record<string, string> = {
    "manage.py": `
import os, sys
if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
`,
    "site_config/__init__.py": "",
    "site_config/settings.py": `
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "test-only"
INSTALLED_APPS = ["shop"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
`,
    "shop/__init__.py": "",
    "shop/models.py": `
from django.db import models

class Product(models.Model):
    code = models.CharField(max_length=20, unique=True)
`,
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": `
from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Product",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("code", models.CharField(max_length=20, unique=True)),
            ],
        ),
    ]
`,
    "shop/migrations/0002_seed.py": `
from django.db import migrations

FAILING = ${options.failing ? "True" : "False"}
NOISE_LINES = ${options.noiseLines ?? 0}

def seed(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    Product.objects.create(code="A-1")
    if FAILING:
        for n in range(NOISE_LINES):
            print(f"  seeding row {n:05d} of the product catalogue ..........................")
        print("  using postgres://app:${LEAKED_PASSWORD}@db.internal:5432/shop")
        raise RuntimeError("the seed data is invalid: duplicate product code 'A-1'")

class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text.trimStart());
  }
  return {
    dir,
    run(args) {
      const result = spawnSync(PYTHON, ["manage.py", ...args], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env["PATH"], PYTHONUNBUFFERED: "1" },
      });
      return { exitCode: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
