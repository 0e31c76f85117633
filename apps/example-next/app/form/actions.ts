"use server";

export type GreetingState = {
  name: string;
  greeting: string | null;
  error: string | null;
};

const MAX_NAME_LENGTH = 100;

// Stateless on purpose: every Lambda instance is separate, so the result travels back in the
// response (the action's return value), never through server memory.
export async function greet(_previous: GreetingState, formData: FormData): Promise<GreetingState> {
  const raw = formData.get("name");
  const name = typeof raw === "string" ? raw.trim() : "";
  if (name.length === 0) {
    return { name, greeting: null, error: "Please enter a name." };
  }
  // Count characters (code points), not UTF-16 units, so an emoji counts once.
  if ([...name].length > MAX_NAME_LENGTH) {
    return {
      name,
      greeting: null,
      error: `The name must be at most ${MAX_NAME_LENGTH} characters.`,
    };
  }
  return { name, greeting: `Hello, ${name}!`, error: null };
}
