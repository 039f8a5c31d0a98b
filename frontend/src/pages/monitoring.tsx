/** Entry of a pipeline's monitoring view (templates render #root with data-page="monitoring"). */
import "../styles/app.css";
import "../styles/monitoring.css";
import { MonitoringPage } from "../monitoring/MonitoringPage";
import { mount } from "../ui/shell";

mount((context) => <MonitoringPage context={context} />);
