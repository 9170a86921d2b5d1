// A blueprint that Orchard's readiness rules let build (`canBuild`): the fixture of the build tests
// and of `bench:build`, one copy so they cannot drift apart. Plain JSON, as the file holds it.
export const READY_BLUEPRINT = Object.freeze({
  featureName: 'Greeting',
  summary: 'A greet() function that says hello to a name.',
  readyToBuild: true,
  sections: {
    dataModel: { status: 'complete', notes: 'No data: a pure function.' },
    apiEndpoints: { status: 'complete', notes: 'No endpoints: a library function.' },
    uiComponents: { status: 'complete', notes: 'No UI.' },
  },
});
