/** What GraphiQL (served to browsers at /graphql) opens with: one example of each query. */
export const GRAPHIQL_TITLE = 'jointspace';

export const GRAPHIQL_DEFAULT_QUERY = `# jointspace: images and sentences in one vector space.
# Pick an operation with the run button. Image ids are file names: take one from a search.

query Search {
  search(text: "two dogs running on the beach", first: 5) {
    query { tokens unknownWords }
    edges { score cursor node { id file url } }
    pageInfo { hasNextPage endCursor }
  }
}

query Annotate {
  annotate(image: { id: "demo_000000.svg" }, first: 5) {
    image { id captions { text } }
    edges { score node { text } }
  }
}

query Similar {
  similar(imageId: "demo_000000.svg", first: 5) {
    edges { score node { id file url } }
  }
}

query Analogy {
  analogy(imageId: "demo_000000.svg", minus: ["red"], plus: ["blue"], pool: 20, k: 4) {
    minus { tokens unknownWords }
    plus { tokens unknownWords }
    matches { rank score node { id file } }
  }
}

query Models {
  models {
    retrieval { version encoder dimension featureDimension evaluation { rsum } }
    regularities { version encoder dimension }
  }
}
`;
