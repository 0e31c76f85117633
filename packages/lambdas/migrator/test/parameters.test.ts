import { DEFAULT_ECS_COMMAND, parseUserParameters } from "../src/parameters";

const ecs = {
  kind: "ecs",
  cluster: "shop-prod",
  taskDefinition: "shop-prod-api:7",
  container: "web",
  subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroups: ["sg-0123456789abcdef0"],
};
const parse = (value: unknown) =>
  parseUserParameters(typeof value === "string" ? value : JSON.stringify(value));

test("lambda: function name or ARN and a version number (a JSON number is accepted too)", () => {
  expect(parse({ kind: "lambda", functionName: "shop-prod-django", qualifier: "42" })).toEqual({
    kind: "lambda",
    functionName: "shop-prod-django",
    qualifier: "42",
  });
  const arn = "arn:aws:lambda:eu-west-1:123456789012:function:shop-prod-django";
  expect(parse({ kind: "lambda", functionName: arn, qualifier: 7 })).toEqual({
    kind: "lambda",
    functionName: arn,
    qualifier: "7",
  });
});

test("ecs: the required fields, the default command, the optional ones", () => {
  expect(parse(ecs)).toEqual({ ...ecs, command: ["migrate"] });
  expect(DEFAULT_ECS_COMMAND).toEqual(["migrate"]); // `zonke-runtime migrate`: the image's entry point
  const full = {
    ...ecs,
    cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod",
    taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-api:12",
    command: ["/app/bin/migrate", "--plan"],
    capacityProvider: "FARGATE_SPOT",
    logGroup: "/ecs/shop-prod-api",
    logStreamPrefix: "django",
  };
  expect(parse(full)).toEqual(full);
});

test.each([
  [
    undefined,
    /^UserParameters is not set: set the action's UserParameters to a JSON object, e\.g\. \{"kind": "lambda"/,
  ],
  ["  ", /^UserParameters is empty/],
  ["{kind: lambda}", /^UserParameters is not valid JSON \(.+\): \{kind: lambda\}$/],
  ["[1]", /^UserParameters is \[1\]: use a JSON object with "kind": "lambda" or "ecs"$/],
  [{ kind: "k8s" }, /^UserParameters\.kind is "k8s": use "lambda" \(Django on Lambda\) or "ecs"/],
  [
    { kind: "lambda", functionName: "f", qualifier: "1", function: "x" },
    /^UserParameters has unknown key\(s\) "function" for kind "lambda": the allowed keys are "kind", "functionName", "qualifier"$/,
  ],
  [
    { kind: "lambda", qualifier: "1" },
    /^UserParameters\.functionName is undefined: use the Django function's name or ARN/,
  ],
  [
    { kind: "lambda", functionName: "has space", qualifier: "1" },
    /^UserParameters\.functionName is "has space"/,
  ],
  [
    { kind: "lambda", functionName: "web:42", qualifier: "42" },
    /leave the version out of the name and put it in "qualifier"$/,
  ],
  [
    { kind: "lambda", functionName: "web" },
    /^UserParameters\.qualifier is undefined: use the number of the version just published/,
  ],
  [
    { kind: "lambda", functionName: "web", qualifier: "$LATEST" },
    /^UserParameters\.qualifier is "\$LATEST": .*an alias or \$LATEST may still point at the old code/,
  ],
  [
    { kind: "lambda", functionName: "web", qualifier: "live" },
    /^UserParameters\.qualifier is "live"/,
  ],
  [{ kind: "lambda", functionName: "web", qualifier: 0 }, /^UserParameters\.qualifier is 0/],
  [{ ...ecs, cluster: "" }, /^UserParameters\.cluster is "": use the cluster's name or ARN/],
  [
    { ...ecs, taskDefinition: "shop-prod-api" },
    /^UserParameters\.taskDefinition is "shop-prod-api": use "family:revision" .*a family alone would run whichever revision is the latest$/,
  ],
  [
    { ...ecs, container: undefined },
    /^UserParameters\.container is undefined: use the name of the Django container/,
  ],
  [
    { ...ecs, subnets: [] },
    /^UserParameters\.subnets is \[\]: use a list of 1 to 16 distinct ids such as "subnet-0123456789abcdef0"$/,
  ],
  [
    { ...ecs, subnets: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"] },
    /^UserParameters\.subnets is .*distinct/,
  ],
  [
    { ...ecs, securityGroups: ["default"] },
    /^UserParameters\.securityGroups is \["default"\]: use a list of 1 to 5 distinct ids such as "sg-0123456789abcdef0"$/,
  ],
  [
    { ...ecs, command: "python manage.py migrate" },
    /^UserParameters\.command is "python manage\.py migrate": use a list of non-empty strings, e\.g\. \["migrate"\] \(the default\), or leave it out$/,
  ],
  [{ ...ecs, command: ["python", ""] }, /^UserParameters\.command is \["python",""\]/],
  [
    { ...ecs, capacityProvider: "my provider" },
    /^UserParameters\.capacityProvider is "my provider"/,
  ],
  [{ ...ecs, logGroup: "bad group*" }, /^UserParameters\.logGroup is "bad group\*"/],
  [
    { ...ecs, logStreamPrefix: "django" },
    /^UserParameters\.logStreamPrefix is set without "logGroup"/,
  ],
  [
    { ...ecs, functionName: "web" },
    /^UserParameters has unknown key\(s\) "functionName" for kind "ecs"/,
  ],
])("malformed %j is refused with a message naming the field", (value, message) => {
  expect(() =>
    parseUserParameters(
      typeof value === "string" || value === undefined ? value : JSON.stringify(value),
    ),
  ).toThrow(message);
  try {
    parseUserParameters(
      typeof value === "string" || value === undefined ? value : JSON.stringify(value),
    );
  } catch (error) {
    expect((error as Error).name).toBe("ParameterError");
  }
});

test("long bad values are shortened in the message", () => {
  const long = "x".repeat(500);
  expect(() => parse({ kind: "lambda", functionName: "web", qualifier: long })).toThrow(
    /qualifier is "x{116}\.\.\.: /,
  );
});
