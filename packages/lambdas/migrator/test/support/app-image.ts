/**
 * The app's container image as the ECS migration runs it: `ENTRYPOINT ["zonke-runtime"]` (the
 * Django runtime's image, zonke_runtime/entry.py), so a container override's command is the entry
 * point's arguments. Emulated over a real Django project (the runtime package is not installed in
 * the test virtualenv), following the entry point's documented contract:
 *
 * - `migrate [options...]`: `manage.py migrate --noinput [options...]`, Django's exit code;
 * - `manage <args...>`: `manage.py <args...>`;
 * - `lambda`, `web`: servers, not run here; anything else: the usage on stderr, exit 2.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { PYTHON } from "./django-project";

export const ENTRYPOINT = "zonke-runtime";

export function runAppImage(command: readonly string[], projectDir: string): ChildProcess {
  const [verb, ...rest] = command;
  const options = {
    cwd: projectDir,
    env: { PATH: process.env["PATH"], PYTHONUNBUFFERED: "1" },
  };
  if (verb === "migrate")
    return spawn(PYTHON, ["manage.py", "migrate", "--noinput", ...rest], options);
  if (verb === "manage" && rest.length > 0) return spawn(PYTHON, ["manage.py", ...rest], options);
  const problem =
    verb === undefined ? "no command given" : `unknown command ${JSON.stringify(verb)}`;
  return spawn(
    "sh",
    [
      "-c",
      'printf "%s: %s\\n\\nusage: %s <command> [args...]\\n" "$0" "$1" "$0" >&2; exit 2',
      ENTRYPOINT,
      problem,
    ],
    options,
  );
}
