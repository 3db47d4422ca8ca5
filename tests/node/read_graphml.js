// Read a GraphML file with graphology-graphml and print what graphology made of it, as JSON:
// node and edge counts, the graph's type, and the edges per value of the 'type' attribute.
// Used by tests/test_graphml_readers.py: node tests/node/read_graphml.js FILE
'use strict';
const fs = require('fs');
const Graph = require('graphology');
const {parse} = require('graphology-graphml');

const graph = parse(Graph, fs.readFileSync(process.argv[2], 'utf8'));
const types = {};
graph.forEachEdge((edge, attrs) => {
  const t = attrs.type === undefined ? '' : String(attrs.type);
  types[t] = (types[t] || 0) + 1;
});
const inactive = graph.filterNodes((node, attrs) => attrs.active === false || attrs.active === 'false');
process.stdout.write(JSON.stringify({
  order: graph.order, size: graph.size, type: graph.type, multi: graph.multi, types,
  inactive: inactive.length
}) + '\n');
