"use client";

import { useActionState } from "react";
import { greet, type GreetingState } from "./actions";

const initialState: GreetingState = { name: "", greeting: null, error: null };

// useActionState + <form action>: with JavaScript the action is called with fetch; without it the
// browser posts the form (multipart) and the server renders this page with the action's result.
export function GreetingForm() {
  const [state, formAction, pending] = useActionState(greet, initialState);
  return (
    <form action={formAction}>
      <label htmlFor="name">Name</label>{" "}
      {/* No required/maxLength: the server validates, and that path must be reachable. */}
      <input id="name" name="name" defaultValue={state.name} data-testid="name-input" />{" "}
      <button type="submit" disabled={pending} data-testid="submit">
        Greet me
      </button>
      {state.error && (
        <p role="alert" className="error" data-testid="form-error">
          {state.error}
        </p>
      )}
      {state.greeting && (
        <p aria-live="polite" data-testid="greeting">
          {state.greeting}
        </p>
      )}
    </form>
  );
}
