/** Entry of the Transactions dashboard (templates/pages/dashboard.html, data-component-id). */
import "../styles/app.css";
import "../styles/dashboards.css";
import { componentIdOf } from "../dashboards/page";
import { TransactionsDashboard } from "../dashboards/transactions/TransactionsDashboard";
import { mount } from "../ui/shell";

mount((context) => <TransactionsDashboard context={context} componentId={componentIdOf(document)} />);
