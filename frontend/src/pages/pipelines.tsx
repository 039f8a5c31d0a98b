/** Entry of the pipelines list page (templates render #root with data-page="pipelines"). */
import "../styles/app.css";
import { PipelineList } from "../pipelines/PipelineList";
import { mount } from "../ui/shell";

mount((context) => <PipelineList context={context} />);
