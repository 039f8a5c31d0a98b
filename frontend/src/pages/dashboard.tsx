/** Entry of a producer's live page (templates/pages/dashboard.html, data-component-id). */
import "../styles/app.css";
import "../styles/dashboards.css";
import { componentIdOf } from "../dashboards/page";
import { LiveDashboard } from "../dashboards/LiveDashboard";
import { mount } from "../ui/shell";

mount((context) => <LiveDashboard context={context} componentId={componentIdOf(document)} />);
