/** The pipeline editor page: loads the pipeline and the type registry, then shows the editor. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { GraphApi, componentTypesApi } from "../api/endpoints";
import type { Pipeline } from "../api/types";
import { type PageContext, TopBar } from "../ui/shell";
import { Editor } from "./Editor";
import { TypeIndex } from "./model";

export function EditorPage({ context }: { context: PageContext }) {
  const [loaded, setLoaded] = useState<{ pipeline: Pipeline; types: TypeIndex } | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    if (context.pipelineId === null) {
      setError("This page does not name a pipeline.");
      return;
    }
    const api = new GraphApi(context.pipelineId, 0);
    Promise.all([api.pipeline(), componentTypesApi.get()]).then(
      ([pipeline, payload]) => setLoaded({ pipeline, types: new TypeIndex(payload) }),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [context.pipelineId]);

  return (
    <div className="page page-editor">
      <TopBar context={context} />
      {error && (
        <div className="banner banner-error" role="alert">
          Could not open the editor: {error}
        </div>
      )}
      {!loaded && !error && <p className="loading muted">Loading the editor…</p>}
      {loaded && (
        <ReactFlowProvider>
          <Editor initial={loaded.pipeline} types={loaded.types} />
        </ReactFlowProvider>
      )}
    </div>
  );
}
