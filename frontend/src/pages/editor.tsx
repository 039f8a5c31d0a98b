/** Entry of the pipeline editor (templates render #root with data-page="editor"). */
import "@xyflow/react/dist/style.css";
import "../styles/app.css";
import "../styles/editor.css";
import { EditorPage } from "../editor/EditorPage";
import { mount } from "../ui/shell";

mount((context) => <EditorPage context={context} />);
