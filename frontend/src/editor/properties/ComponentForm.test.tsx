import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Component, ComponentTypeSpec, FieldSpec, FlowEvent } from "../../api/types";
import { FeedbackProvider } from "../../ui/feedback";
import { ComponentForm, type ComponentFormProps } from "./ComponentForm";
import { componentDraft } from "./drafts";
import { NO_ERRORS, parseErrors } from "./errors";

function field(overrides: Partial<FieldSpec> & Pick<FieldSpec, "name" | "label" | "kind">): FieldSpec {
  return {
    required: false,
    read_only: false,
    default: null,
    choices: null,
    min: null,
    max: null,
    help: "",
    source: "config",
    ...overrides,
  };
}

// A payload shaped like GET /api/component-types/ for the WebSocket Producer.
const spec: ComponentTypeSpec = {
  key: "websocket_producer",
  label: "WebSocket Producer",
  group: "producers",
  description: "",
  inputs: { min: 1, max: 1 },
  outputs: { min: 0, max: 0 },
  tabs: [
    {
      key: "basic",
      label: "Basic Information",
      fields: [
        field({
          name: "invocation_type",
          label: "Invocation Type",
          kind: "choice",
          required: true,
          default: "real_time",
          choices: [
            { value: "real_time", label: "Real-Time" },
            { value: "batch", label: "Batch" },
          ],
        }),
        field({
          name: "deployment_type",
          label: "Deployment Type",
          kind: "text",
          read_only: true,
          default: "process",
        }),
        field({ name: "failover_event", label: "Failover Event", kind: "event", event_kind: "failover" }),
        field({
          name: "batch_size",
          label: "Batch Size",
          kind: "integer",
          required: true,
          default: 500,
          min: 10,
        }),
        field({ name: "intelligent_scaling", label: "Intelligent Scaling", kind: "boolean", default: false }),
      ],
    },
    {
      key: "meta",
      label: "Meta Information",
      fields: [
        field({ name: "guid", label: "GUID", kind: "readonly", read_only: true, source: "component" }),
        field({
          name: "ingestion_id",
          label: "Ingestion ID",
          kind: "readonly",
          read_only: true,
          source: "component",
        }),
        field({
          name: "ingestion_secret",
          label: "Ingestion Secret",
          kind: "secret",
          read_only: true,
          source: "component",
        }),
        field({ name: "sasl_password", label: "SASL Password", kind: "password" }),
      ],
    },
    {
      key: "resources",
      label: "Resource Configuration",
      fields: [
        field({
          name: "min_instances",
          label: "Minimum Instances",
          kind: "integer",
          required: true,
          default: 1,
        }),
      ],
    },
    { key: "validation", label: "Connection Validation", fields: [] },
  ],
};

const component: Component = {
  id: 7,
  pipeline: 1,
  type: "websocket_producer",
  name: "Feed",
  position: { x: 0, y: 0 },
  config: { basic: { batch_size: 100 }, meta: { sasl_password: "********" } },
  guid: null,
  ingestion_id: "ing_123",
  ingestion_secret: "sk_••••••••a1b2",
  endpoint: "ws://testserver/ws/producers/ing_123/",
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
  pipeline_rev: 1,
};

const events: FlowEvent[] = [
  {
    id: 3,
    pipeline: 1,
    name: "Orders",
    kind: "kafka",
    topic: "t",
    partitions: 3,
    retention_hours: 168,
    position: { x: 0, y: 0 },
    pipeline_rev: 1,
  },
  {
    id: 4,
    pipeline: 1,
    name: "Dead letters",
    kind: "failover",
    topic: "f",
    partitions: 3,
    retention_hours: 168,
    position: { x: 0, y: 0 },
    pipeline_rev: 1,
  },
];

function renderForm(overrides: Partial<ComponentFormProps> = {}) {
  const props: ComponentFormProps = {
    component,
    spec,
    draft: componentDraft(component),
    dirty: false,
    errors: NO_ERRORS,
    events,
    onChange: vi.fn(),
    onSave: vi.fn(),
    ...overrides,
  };
  render(
    <FeedbackProvider>
      <ComponentForm {...props} />
    </FeedbackProvider>,
  );
  return props;
}

describe("ComponentForm", () => {
  it("renders exactly the tabs of the payload", () => {
    renderForm();
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual([
      "Basic Information",
      "Meta Information",
      "Resource Configuration",
      "Connection Validation",
    ]);
    expect(screen.getByRole("tab", { name: "Basic Information" })).toHaveAttribute("aria-selected", "true");
  });

  it("marks required fields, disables read-only ones and lists choices", () => {
    renderForm();
    const batch = screen.getByLabelText(/Batch Size/);
    expect(batch).toHaveValue(100);
    expect(batch.closest(".field")?.querySelector(".required")?.textContent).toBe("*");
    expect(
      screen
        .getByLabelText(/Intelligent Scaling/)
        .closest(".field")
        ?.querySelector(".required"),
    ).toBeNull();
    expect(screen.getByLabelText("Deployment Type")).toBeDisabled();
    expect(screen.getByLabelText("Deployment Type")).toHaveValue("process");
    const invocation = screen.getByLabelText(/Invocation Type/);
    expect(
      within(invocation)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Real-Time", "Batch"]);
    expect(invocation).toHaveValue("real_time");
  });

  it("offers only the pipeline's events of the field's kind", () => {
    renderForm();
    const failover = screen.getByLabelText("Failover Event");
    expect(
      within(failover)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["— none —", "Dead letters"]);
  });

  it("reports edits as a new draft", () => {
    const props = renderForm();
    fireEvent.change(screen.getByLabelText(/Batch Size/), { target: { value: "250" } });
    expect(props.onChange).toHaveBeenCalledWith(
      expect.objectContaining({ config: expect.objectContaining({ basic: { batch_size: 250 } }) }),
    );
  });

  it("shows server errors next to their fields and on their tab", () => {
    renderForm({
      errors: parseErrors({
        config: { basic: { batch_size: ["Ensure this value is greater than or equal to 10."] } },
        name: ["The name 'Feed' is already used in this pipeline."],
      }),
    });
    const batch = screen.getByLabelText(/Batch Size/);
    expect(batch).toHaveAttribute("aria-invalid", "true");
    expect(batch.closest(".field")?.querySelector(".field-error")?.textContent).toBe(
      "Ensure this value is greater than or equal to 10.",
    );
    expect(screen.getByText("The name 'Feed' is already used in this pipeline.")).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: /Basic Information/ }).querySelector(".tab-error")).not.toBeNull();
  });

  it("masks the secret, shows the GUID placeholder and the endpoint in Meta", () => {
    renderForm();
    fireEvent.click(screen.getByRole("tab", { name: "Meta Information" }));
    expect(screen.getByLabelText("Ingestion Secret")).toHaveValue("sk_••••••••a1b2");
    expect(screen.getByLabelText("GUID")).toHaveValue("");
    expect(screen.getByLabelText("GUID")).toHaveAttribute("placeholder", "Assigned on Update Pipeline");
    expect(screen.getByLabelText("Ingestion ID")).toHaveValue("ing_123");
    expect(screen.getByLabelText("SASL Password")).toHaveAttribute("type", "password");
    expect(screen.getByLabelText("WebSocket Endpoint")).toHaveValue("ws://testserver/ws/producers/ing_123/");
  });

  it("reveals the secret on request", async () => {
    const reveal = vi.fn().mockResolvedValue("sk_live_plain");
    renderForm({ secret: { reveal, regenerate: vi.fn() } });
    fireEvent.click(screen.getByRole("tab", { name: "Meta Information" }));
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Reveal Ingestion Secret" })));
    expect(screen.getByLabelText("Ingestion Secret")).toHaveValue("sk_live_plain");
  });

  it("regenerates the secret only after confirmation", async () => {
    const regenerate = vi.fn().mockResolvedValue("sk_new");
    renderForm({ secret: { reveal: vi.fn(), regenerate } });
    fireEvent.click(screen.getByRole("tab", { name: "Meta Information" }));
    fireEvent.click(screen.getByRole("button", { name: "Regenerate Ingestion Secret" }));
    expect(screen.getByRole("dialog")).toHaveTextContent(
      "The old secret stops working and open sessions are closed",
    );
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Regenerate" })));
    expect(regenerate).toHaveBeenCalledOnce();
    expect(screen.getByLabelText("Ingestion Secret")).toHaveValue("sk_new");
  });

  it("moves between tabs with the arrow keys", () => {
    renderForm();
    fireEvent.keyDown(screen.getByRole("tab", { name: "Basic Information" }), { key: "ArrowRight" });
    expect(screen.getByRole("tab", { name: "Meta Information" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tab", { name: "Meta Information" })).toHaveFocus();
    fireEvent.keyDown(screen.getByRole("tab", { name: "Meta Information" }), { key: "ArrowLeft" });
    fireEvent.keyDown(screen.getByRole("tab", { name: "Basic Information" }), { key: "ArrowLeft" });
    expect(screen.getByRole("tab", { name: "Connection Validation" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
  });

  it("runs connection checks on the validation tab", async () => {
    const runChecks = vi.fn().mockResolvedValue([
      { name: "kafka", label: "Kafka reachable", ok: true, duration_ms: 12.4, message: "" },
      {
        name: "input_topic",
        label: "Input topic present",
        ok: false,
        duration_ms: 3,
        message: "Topic missing",
      },
    ]);
    renderForm({ runChecks });
    fireEvent.click(screen.getByRole("tab", { name: "Connection Validation" }));
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Run checks" })));
    expect(screen.getByText("1 of 2 checks passed")).toBeInTheDocument();
    expect(screen.getByText("Topic missing")).toBeInTheDocument();
    expect(screen.getByText("12 ms")).toBeInTheDocument();
  });

  it("read-only: shows every setting, changes none, offers no save, delete, secret or checks", () => {
    const props = renderForm({ readOnly: true, onDelete: vi.fn() });
    expect(screen.queryByRole("button", { name: "Save Component" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete component" })).toBeNull();
    expect(screen.getByText(/View only/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toBeDisabled();
    expect(screen.getByLabelText(/Batch Size/)).toBeDisabled();
    expect(screen.getByLabelText(/Batch Size/)).toHaveValue(100);
    expect(screen.getByLabelText(/Intelligent Scaling/)).toBeDisabled();
    fireEvent.click(screen.getByRole("tab", { name: "Meta Information" }));
    expect(screen.getByRole("button", { name: "Reveal Ingestion Secret" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Regenerate Ingestion Secret" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Copy WebSocket Endpoint" })).toBeEnabled();
    fireEvent.click(screen.getByRole("tab", { name: "Connection Validation" }));
    expect(screen.getByRole("button", { name: "Run checks" })).toBeDisabled();
    fireEvent.submit(screen.getByRole("form"));
    expect(props.onSave).not.toHaveBeenCalled();
  });

  it("saves with the disk button", () => {
    const props = renderForm({ dirty: true });
    fireEvent.click(screen.getByRole("button", { name: "Save Component" }));
    expect(props.onSave).toHaveBeenCalledOnce();
    expect(screen.getAllByLabelText("Unsaved changes").length).toBeGreaterThan(0);
  });
});
