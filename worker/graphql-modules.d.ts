// A `.graphql` file imported by the worker is its text: wrangler.toml's Text rule for
// **/*.graphql (the bundle cannot read files at run time).
declare module '*.graphql' {
  const text: string;
  export default text;
}
