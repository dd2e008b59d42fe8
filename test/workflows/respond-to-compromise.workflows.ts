// The worker's workflows (respondToCompromise among them), bundled for its test.
export * from '../../workflows';
