// Types for test/support/readyBlueprint.mjs.
export declare const READY_BLUEPRINT: {
  readonly featureName: string;
  readonly summary: string;
  readonly readyToBuild: true;
  readonly sections: Record<'dataModel' | 'apiEndpoints' | 'uiComponents', { status: 'complete'; notes: string }>;
};
