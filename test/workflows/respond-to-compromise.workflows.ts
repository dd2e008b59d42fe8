// The worker's workflows plus respondToCompromise, bundled for its test.
export * from '../../workflows';
export { respondToCompromise } from '../../workflows/respond-to-compromise';
