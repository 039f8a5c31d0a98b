/** Entry of the dashboards list (templates/pages/dashboards.html). */
import "../styles/app.css";
import "../styles/dashboards.css";
import { DashboardList } from "../dashboards/DashboardList";
import { mount } from "../ui/shell";

mount((context) => <DashboardList context={context} />);
