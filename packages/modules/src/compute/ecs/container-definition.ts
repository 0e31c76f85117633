/** A container's health check as ECS runs it (inside the container, by Docker). */
export interface EcsContainerHealthCheck {
  /**
   * `["CMD", ...]` (run directly) or `["CMD-SHELL", "..."]` (through /bin/sh in the image).
   * @default - a TCP connection to the container port by the image's `python` (the zonke Django
   *   image has no curl): it proves the server listens; the load balancer's HTTP check proves the
   *   app answers. Give another command for images without Python (e.g. Next.js: `node -e ...`).
   */
  readonly command?: readonly string[];
  /** @default 15 */
  readonly intervalSec?: number;
  /** @default 5 */
  readonly timeoutSec?: number;
  /** Failures in a row before the container counts as unhealthy. @default 3 */
  readonly retries?: number;
  /** Failures while the app starts do not count. @default 60 */
  readonly startPeriodSec?: number;
}

/** Everything the web container's definition is made from. */
export interface WebContainerSpec {
  readonly name: string;
  readonly imageUri: string;
  readonly command: readonly string[];
  readonly port: number;
  readonly user: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly { name: string; valueFrom: string }[];
  readonly healthCheck: EcsContainerHealthCheck;
  readonly stopTimeoutSec: number;
  readonly log: { readonly group: string; readonly region: string; readonly streamPrefix: string };
  /** Task volumes to mount writable, by container path. */
  readonly writablePaths: readonly { readonly volume: string; readonly path: string }[];
}

/** The default health check command: can a TCP connection to the port be opened? */
export function defaultHealthCheckCommand(port: number): string[] {
  return [
    "CMD",
    "python",
    "-c",
    `import socket; socket.create_connection(("127.0.0.1", ${port}), timeout=3).close()`,
  ];
}

/**
 * The web container: non-root, root file system read-only (only the given volumes are writable),
 * not privileged, every Linux capability dropped (a non-root process has none to use, and a
 * setuid binary in the image then gains none), secrets by reference only (`valueFrom`), logs to
 * CloudWatch without blocking the app when CloudWatch is slow.
 */
export function webContainerDefinition(spec: WebContainerSpec): Record<string, unknown> {
  const health = spec.healthCheck;
  return {
    name: spec.name,
    image: spec.imageUri,
    essential: true,
    command: [...spec.command],
    user: spec.user,
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    portMappings: [{ containerPort: spec.port, hostPort: spec.port, protocol: "tcp" }],
    environment: Object.entries(spec.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    secrets: spec.secrets.map((entry) => ({ ...entry })),
    mountPoints: spec.writablePaths.map((mount) => ({
      sourceVolume: mount.volume,
      containerPath: mount.path,
      readOnly: false,
    })),
    healthCheck: {
      command: [...(health.command ?? defaultHealthCheckCommand(spec.port))],
      interval: health.intervalSec ?? 15,
      timeout: health.timeoutSec ?? 5,
      retries: health.retries ?? 3,
      startPeriod: health.startPeriodSec ?? 60,
    },
    stopTimeout: spec.stopTimeoutSec,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": spec.log.group,
        "awslogs-region": spec.log.region,
        "awslogs-stream-prefix": spec.log.streamPrefix,
        // Blocking mode would stall the app's writes to stdout while CloudWatch is slow; the
        // buffer keeps lines until it is full, and only then drops them.
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    },
  };
}
