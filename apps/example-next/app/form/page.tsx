import { GreetingForm } from "./greeting-form";

// A no-JavaScript form post renders this page with the action's result, so render per request.
export const dynamic = "force-dynamic";

export default function FormPage() {
  return (
    <>
      <h1>A form with a Server Action</h1>
      <p>
        The form posts to a Server Action. It works with JavaScript (no page reload) and without it
        (a plain form post that the server answers with this page).
      </p>
      <GreetingForm />
    </>
  );
}
