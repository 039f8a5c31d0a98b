import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { grantsApi } from "../api/endpoints";
import type { Grant, GrantPayload } from "../api/types";
import { FeedbackProvider } from "../ui/feedback";
import { ShareDialog } from "./ShareDialog";

const bob: Grant = {
  id: 1,
  pipeline: 7,
  user: "bob",
  group: null,
  role: "viewer",
  created_at: "2026-03-01T10:00:00Z",
};

function fakeApi(grants: Grant[] = [bob]) {
  return {
    list: vi.fn(async () => grants),
    create: vi.fn(async (body: GrantPayload) => ({
      id: 9,
      pipeline: body.pipeline,
      user: "user" in body ? body.user : null,
      group: "group" in body ? body.group : null,
      role: body.role,
      created_at: "2026-03-01T11:00:00Z",
    })),
    setRole: vi.fn(async (id: number, role: Grant["role"]) => ({ ...bob, id, role })),
    remove: vi.fn(async () => null),
  } satisfies typeof grantsApi;
}

async function open(api: ReturnType<typeof fakeApi>) {
  const onCount = vi.fn();
  await act(async () => {
    render(
      <FeedbackProvider>
        <ShareDialog
          pipeline={{ id: 7, name: "Orders", owner: "ada" }}
          onClose={vi.fn()}
          onCount={onCount}
          api={api}
        />
      </FeedbackProvider>,
    );
  });
  return onCount;
}

describe("ShareDialog", () => {
  it("lists who has access and with which role", async () => {
    await open(fakeApi());
    const list = screen.getByRole("list", { name: "Shared with" });
    expect(within(list).getByText("bob")).toBeInTheDocument();
    expect(screen.getByLabelText("Role of bob")).toHaveValue("viewer");
    expect(screen.getByText(/Owned by/)).toHaveTextContent("Owned by ada.");
  });

  it("shares with a user as viewer", async () => {
    const api = fakeApi([]);
    const onCount = await open(api);
    expect(screen.getByText("Not shared with anyone yet.")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: " carol " } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Share" })));
    expect(api.create).toHaveBeenCalledWith({ pipeline: 7, user: "carol", role: "viewer" });
    expect(screen.getByLabelText("Role of carol")).toHaveValue("viewer");
    expect(screen.getByLabelText("Username")).toHaveValue("");
    expect(onCount).toHaveBeenLastCalledWith(1);
  });

  it("shares with a group as editor", async () => {
    const api = fakeApi([]);
    await open(api);
    fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "group" } });
    fireEvent.change(screen.getByLabelText("Group name"), { target: { value: "ops" } });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "editor" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Share" })));
    expect(api.create).toHaveBeenCalledWith({ pipeline: 7, group: "ops", role: "editor" });
  });

  it("shows the server's refusal by the field it names", async () => {
    const api = fakeApi([]);
    api.create.mockRejectedValueOnce(new ApiError(400, { user: ["No user named 'bobx'."] }));
    await open(api);
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "bobx" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Share" })));
    const name = screen.getByLabelText("Username");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name.closest(".field")).toHaveTextContent("No user named 'bobx'.");
    expect(name).toHaveValue("bobx");
  });

  it("refuses an empty name or a second grant for the same user without asking the server", async () => {
    const api = fakeApi();
    await open(api);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Share" })));
    expect(screen.getByText("Enter a username.")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "bob" } });
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Share" })));
    expect(screen.getByText(/Already shared with bob/)).toBeInTheDocument();
    expect(api.create).not.toHaveBeenCalled();
  });

  it("changes a role and removes a grant", async () => {
    const api = fakeApi();
    const onCount = await open(api);
    await act(async () =>
      fireEvent.change(screen.getByLabelText("Role of bob"), { target: { value: "editor" } }),
    );
    expect(api.setRole).toHaveBeenCalledWith(1, "editor");
    expect(screen.getByLabelText("Role of bob")).toHaveValue("editor");
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Remove bob" })));
    expect(api.remove).toHaveBeenCalledWith(1);
    expect(screen.queryByLabelText("Role of bob")).toBeNull();
    expect(onCount).toHaveBeenLastCalledWith(0);
  });
});
