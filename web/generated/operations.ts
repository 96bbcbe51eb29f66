/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type PictureFragment = { id: string, file: string, url: string | null, captions: Array<{ text: string }> };

export type RankedPictureFragment = { cursor: string, score: number, node: { id: string, file: string, url: string | null, captions: Array<{ text: string }> } };

export type SearchQueryVariables = Exact<{
  text: string;
  first: number;
  after?: string | null | undefined;
  split?: string | null | undefined;
}>;


export type SearchQuery = { search: { query: { unknownWords: Array<string> }, edges: Array<{ cursor: string, score: number, node: { id: string, file: string, url: string | null, captions: Array<{ text: string }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ImageDetailsQueryVariables = Exact<{
  id: string;
}>;


export type ImageDetailsQuery = { image: { split: string, id: string, file: string, url: string | null, captions: Array<{ text: string }> } | null };

export type AnnotateQueryVariables = Exact<{
  id: string;
  first: number;
}>;


export type AnnotateQuery = { annotate: { edges: Array<{ score: number, node: { id: string, text: string } }> } };

export type SimilarQueryVariables = Exact<{
  imageId: string;
  first: number;
  split?: string | null | undefined;
}>;


export type SimilarQuery = { similar: { edges: Array<{ cursor: string, score: number, node: { id: string, file: string, url: string | null, captions: Array<{ text: string }> } }> } };

export type AnalogyQueryVariables = Exact<{
  imageId: string;
  minus: Array<string> | string;
  plus: Array<string> | string;
  pool: number;
  k: number;
}>;


export type AnalogyQuery = { analogy: { minus: { unknownWords: Array<string> }, plus: { unknownWords: Array<string> }, matches: Array<{ rank: number, score: number, node: { id: string, file: string, url: string | null, captions: Array<{ text: string }> } }> } };

export type PictureInputQueryVariables = Exact<{ [key: string]: never; }>;


export type PictureInputQuery = { models: { retrieval: { imageEncoder: { width: number, height: number } | null } | null } };

export type PictureSearchQueryVariables = Exact<{
  picture: File;
  captions: number;
  first: number;
  split?: string | null | undefined;
}>;


export type PictureSearchQuery = { annotate: { edges: Array<{ score: number, node: { id: string, text: string } }> }, similar: { edges: Array<{ cursor: string, score: number, node: { id: string, file: string, url: string | null, captions: Array<{ text: string }> } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const PictureFragmentDoc = new TypedDocumentString(`
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}
    `, {"fragmentName":"Picture"}) as unknown as TypedDocumentString<PictureFragment, unknown>;
export const RankedPictureFragmentDoc = new TypedDocumentString(`
    fragment RankedPicture on ImageEdge {
  cursor
  score
  node {
    ...Picture
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}`, {"fragmentName":"RankedPicture"}) as unknown as TypedDocumentString<RankedPictureFragment, unknown>;
export const SearchDocument = new TypedDocumentString(`
    query Search($text: String!, $first: Int!, $after: String, $split: String) {
  search(text: $text, first: $first, after: $after, split: $split) {
    query {
      unknownWords
    }
    edges {
      ...RankedPicture
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}
fragment RankedPicture on ImageEdge {
  cursor
  score
  node {
    ...Picture
  }
}`) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;
export const ImageDetailsDocument = new TypedDocumentString(`
    query ImageDetails($id: ID!) {
  image(id: $id) {
    ...Picture
    split
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}`) as unknown as TypedDocumentString<ImageDetailsQuery, ImageDetailsQueryVariables>;
export const AnnotateDocument = new TypedDocumentString(`
    query Annotate($id: ID!, $first: Int!) {
  annotate(image: {id: $id}, first: $first) {
    edges {
      score
      node {
        id
        text
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AnnotateQuery, AnnotateQueryVariables>;
export const SimilarDocument = new TypedDocumentString(`
    query Similar($imageId: ID!, $first: Int!, $split: String) {
  similar(imageId: $imageId, first: $first, split: $split) {
    edges {
      ...RankedPicture
    }
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}
fragment RankedPicture on ImageEdge {
  cursor
  score
  node {
    ...Picture
  }
}`) as unknown as TypedDocumentString<SimilarQuery, SimilarQueryVariables>;
export const AnalogyDocument = new TypedDocumentString(`
    query Analogy($imageId: ID!, $minus: [String!]!, $plus: [String!]!, $pool: Int!, $k: Int!) {
  analogy(imageId: $imageId, minus: $minus, plus: $plus, pool: $pool, k: $k) {
    minus {
      unknownWords
    }
    plus {
      unknownWords
    }
    matches {
      rank
      score
      node {
        ...Picture
      }
    }
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}`) as unknown as TypedDocumentString<AnalogyQuery, AnalogyQueryVariables>;
export const PictureInputDocument = new TypedDocumentString(`
    query PictureInput {
  models {
    retrieval {
      imageEncoder {
        width
        height
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PictureInputQuery, PictureInputQueryVariables>;
export const PictureSearchDocument = new TypedDocumentString(`
    query PictureSearch($picture: File!, $captions: Int!, $first: Int!, $split: String) {
  annotate(image: {picture: $picture}, first: $captions) {
    edges {
      score
      node {
        id
        text
      }
    }
  }
  similar(picture: $picture, first: $first, split: $split) {
    edges {
      ...RankedPicture
    }
  }
}
    fragment Picture on Image {
  id
  file
  url
  captions {
    text
  }
}
fragment RankedPicture on ImageEdge {
  cursor
  score
  node {
    ...Picture
  }
}`) as unknown as TypedDocumentString<PictureSearchQuery, PictureSearchQueryVariables>;