import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ImageParent, CaptionParent, ModelParent, ServedModelsParent, AnnotationConnectionParent, AnalogyResultParent, SimilarConnectionParent } from '../mappers.ts';
import type { GraphQLContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * A file uploaded with the request, by the GraphQL multipart request spec
   * (https://github.com/jaydenseric/graphql-multipart-request-spec): a multipart/form-data POST with
   * an `operations` part, a `map` part and one part per file, and the header `x-graphql-csrf: 1`.
   */
  File: { input: File; output: File; }
};

/** An image found by an analogy. */
export type AnalogyMatch = {
  __typename?: 'AnalogyMatch';
  /** The image. */
  node: Image;
  /** The position after re-ranking by distance to the pool's centroid, from 1. */
  rank: Scalars['Int']['output'];
  /**
   * The cosine similarity between the composed query vector and the image, in [-1, 1]. The order
   * is the centroid re-ranking, so scores need not decrease with rank.
   */
  score: Scalars['Float']['output'];
};

/** The answer to an analogy query. */
export type AnalogyResult = {
  __typename?: 'AnalogyResult';
  /** The image the analogy started from. */
  image: Image;
  /** The images kept after re-ranking, in re-ranked order (at most `k`). */
  matches: Array<AnalogyMatch>;
  /** The words subtracted, as the model saw them. */
  minus: QueryText;
  /** The words added, as the model saw them. */
  plus: QueryText;
};

/** A page of captions that describe an image. */
export type AnnotationConnection = {
  __typename?: 'AnnotationConnection';
  /** The captions of this page, best first, each with its score. */
  edges: Array<CaptionEdge>;
  /** The image annotated, when it was given by id; null when it was given by features or a picture. */
  image?: Maybe<Image>;
  /** How to fetch the next page. */
  pageInfo: PageInfo;
};

/** A stored caption: a sentence written about one image. */
export type Caption = {
  __typename?: 'Caption';
  /** The caption's id in the vector index: "<image id>#<k>" for the image's k-th caption. */
  id: Scalars['ID']['output'];
  /** The id of the image the caption was written for. */
  imageId: Scalars['ID']['output'];
  /** The dataset split the caption belongs to (its image's split). */
  split: Scalars['String']['output'];
  /** The sentence. */
  text: Scalars['String']['output'];
};

/** A caption in a ranked list. */
export type CaptionEdge = {
  __typename?: 'CaptionEdge';
  /** An opaque cursor for this position in the list (pass it as `after`). */
  cursor: Scalars['String']['output'];
  /** The caption. */
  node: Caption;
  /** The cosine similarity between the image and the caption, in [-1, 1]; higher is closer. */
  score: Scalars['Float']['output'];
};

/** The paper's evaluation table for one split (1,000 images x 5 captions in the paper). */
export type Evaluation = {
  __typename?: 'Evaluation';
  /** Image -> text: for each image, the rank of its best-ranked own caption. */
  annotation: RecallTable;
  /** Captions in the split. */
  captions: Scalars['Int']['output'];
  /** Images in the split. */
  images: Scalars['Int']['output'];
  /** The sum of the six recalls (model selection's score). */
  rsum: Scalars['Float']['output'];
  /** Text -> image: for each caption, the rank of its image. */
  search: RecallTable;
  /** The split evaluated (test, or val when there is no test split). */
  split: Scalars['String']['output'];
};

/** A stored image. */
export type Image = {
  __typename?: 'Image';
  /** The image's own captions from the dataset, in their order (not ranked; no scores). */
  captions: Array<Caption>;
  /** The image's file name in its dataset. */
  file: Scalars['String']['output'];
  /** The image's id in the vector index: its file name, or "h:<hash>" for long names. */
  id: Scalars['ID']['output'];
  /** The dataset split the image belongs to (train, val or test). */
  split: Scalars['String']['output'];
  /**
   * Where the picture can be fetched: the URL the model was exported with (an image base URL), or
   * else the worker's own picture route, `/images/<version>/<file>`, when the picture was uploaded
   * with the model. Null when there is no picture.
   */
  url?: Maybe<Scalars['String']['output']>;
};

/** An image in a ranked list. */
export type ImageEdge = {
  __typename?: 'ImageEdge';
  /** An opaque cursor for this position in the list (pass it as `after`). */
  cursor: Scalars['String']['output'];
  /** The image. */
  node: Image;
  /** The cosine similarity between the query and the image, in [-1, 1]; higher is closer. */
  score: Scalars['Float']['output'];
};

/** A model's picture-to-vector graph: the CNN of its training features, then its image projection. */
export type ImageEncoder = {
  __typename?: 'ImageEncoder';
  /** The extractor whose CNN it holds. */
  extractor: Scalars['String']['output'];
  /** The picture height the CNN takes, in pixels. */
  height: Scalars['Int']['output'];
  /** The largest difference from the trainer's own extractor and projection, measured at export. */
  parityMaxAbsDifference: Scalars['Float']['output'];
  /** How an upload is brought to width x height. */
  resize: Scalars['String']['output'];
  /** How its CNN weights are stored. */
  weights: WeightPrecision;
  /** The picture width the CNN takes, in pixels (every upload is brought to it). */
  width: Scalars['Int']['output'];
};

/**
 * An image to annotate, given one of three ways (a OneOf input: set exactly one field, or the query
 * fails validation).
 */
export type ImageInput =
  /**
   * A raw CNN feature vector (e.g. a VGG or ResNet pooled activation), as many numbers as the
   * model's `featureDimension`; the server projects it into the joint space.
   */
  { features: Array<Scalars['Float']['input']>; id?: never; picture?: never; }
  |  /** The id of a stored image. */
  { features?: never; id: Scalars['ID']['input']; picture?: never; }
  |  /**
   * A picture: JPEG, PNG or WebP, at most 8 MiB and 4,194,304 pixels (2048 x 2048), either side at
   * most 8192 (PICTURE_TOO_LARGE otherwise), uploaded by the multipart request spec (see `File`).
   * The server reads its format from its bytes (NOT_A_PICTURE when they are no picture or do not
   * decode; UNSUPPORTED_PICTURE for GIF, AVIF, HEIC and other formats it does not decode), applies
   * its EXIF orientation, cuts out the centred square, averages it down to 224 x 224 and runs the
   * model's image encoder: the CNN its training features came from, then its image projection
   * (NO_IMAGE_ENCODER when the model was trained on features from another extractor; see
   * `Model.imageEncoder`).
   */
  { features?: never; id?: never; picture: Scalars['File']['input']; };

/** A model version: what its manifest says it is. */
export type Model = {
  __typename?: 'Model';
  /** When the model version was exported (ISO 8601). */
  createdAt: Scalars['String']['output'];
  /** The dataset the model was trained on. */
  data: TrainingData;
  /** The joint space's dimension: the length of every image and sentence vector. */
  dimension: Scalars['Int']['output'];
  /** The sentence encoder. */
  encoder: SentenceEncoder;
  /** The paper's recall table, computed from the exported vectors; null when none was computed. */
  evaluation?: Maybe<Evaluation>;
  /**
   * The CNN features it was trained on came from this extractor (e.g. "nsfwjs-mobilenetv2-mid");
   * null when they were made elsewhere.
   */
  extractor?: Maybe<Scalars['String']['output']>;
  /** The length of the raw CNN feature vectors the image projection takes (see `annotate`). */
  featureDimension: Scalars['Int']['output'];
  /** The graph that turns an uploaded picture into an image vector; null when the model has none. */
  imageEncoder?: Maybe<ImageEncoder>;
  /** Sentences are cut to this many tokens. */
  maxTokens: Scalars['Int']['output'];
  /** The space this model serves. */
  space: Space;
  /** How many vectors the model's indexes hold. */
  vectors: VectorCounts;
  /** The version name (the model, the data, the weight precision and a content hash). */
  version: Scalars['String']['output'];
  /** The vocabulary the sentence encoder reads. */
  vocabulary: Vocabulary;
  /** How the ONNX files store their weight matrices. */
  weights: WeightPrecision;
  /** The word embedding's dimension. */
  wordDimension: Scalars['Int']['output'];
};

/** Where a page sits in its ranked list (the Relay connection specification). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last result of this page (pass it as `after`); null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether the list has results after this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether the list has results before this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the first result of this page; null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type Query = {
  __typename?: 'Query';
  /**
   * Images for an image minus some words plus others (a picture of a blue car - "blue" + "red":
   * pictures of red cars), in the bag-of-words `regularities` space. The `pool` images closest to
   * normalise(image - sum(minus) + sum(plus)) are re-ranked by their distance to the pool's own
   * centroid, and the first `k` are kept.
   */
  analogy: AnalogyResult;
  /**
   * Sentences that describe an image, best first (image -> text, in the `retrieval` space). The
   * image is a stored one (by id; UNKNOWN_IMAGE if there is none), a raw CNN feature vector of the
   * model's `featureDimension` (BAD_FEATURES if its length differs), or an uploaded picture (see
   * `ImageInput.picture`).
   */
  annotate: AnnotationConnection;
  /** One stored image by its id, or null when there is none. */
  image?: Maybe<Image>;
  /**
   * The two model versions this server answers with, one per space. Each space loads on its own:
   * one that cannot be served is null here, with a MODEL_UNAVAILABLE error at its path, and the
   * other still answers.
   */
  models: ServedModels;
  /**
   * Images that match a sentence, best first (text -> image, in the `retrieval` space). Words the
   * model does not know are ignored and listed in `query.unknownWords`; a text with no known word
   * fails with NO_KNOWN_WORDS, an empty one with EMPTY_TEXT, a too long one with TEXT_TOO_LONG.
   */
  search: SearchConnection;
  /**
   * Images that look like a stored image or an uploaded picture, best first (image -> image, in the
   * `retrieval` space): "more like this". A stored image itself is left out, so the list then holds
   * at most 99 results. Give exactly one of `imageId` and `picture` (BAD_USER_INPUT otherwise).
   */
  similar: SimilarConnection;
};


/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type QueryAnalogyArgs = {
  imageId: Scalars['ID']['input'];
  k?: Scalars['Int']['input'];
  minus?: Array<Scalars['String']['input']>;
  plus?: Array<Scalars['String']['input']>;
  pool?: Scalars['Int']['input'];
};


/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type QueryAnnotateArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  image: ImageInput;
  split?: InputMaybe<Scalars['String']['input']>;
};


/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type QueryImageArgs = {
  id: Scalars['ID']['input'];
};


/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type QuerySearchArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  split?: InputMaybe<Scalars['String']['input']>;
  text: Scalars['String']['input'];
};


/**
 * The entry points. Ranked lists hold at most 100 results in all (the vector index answers at most
 * 100 matches a query); `first` and `after` page through them.
 */
export type QuerySimilarArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  imageId?: InputMaybe<Scalars['ID']['input']>;
  picture?: InputMaybe<Scalars['File']['input']>;
  split?: InputMaybe<Scalars['String']['input']>;
};

/** The query text as the model saw it. */
export type QueryText = {
  __typename?: 'QueryText';
  /** The words of the text after tokenisation (lowercase; punctuation dropped). */
  tokens: Array<Scalars['String']['output']>;
  /** Distinct words of the text that are not in the model's vocabulary; they were ignored. */
  unknownWords: Array<Scalars['String']['output']>;
};

/** Recalls (in percent) and ranks for one direction of retrieval. */
export type RecallTable = {
  __typename?: 'RecallTable';
  /** The mean rank of the right answer (from 1). */
  meanRank: Scalars['Float']['output'];
  /** The median rank of the right answer (from 1). */
  medianRank: Scalars['Float']['output'];
  /** Percent of queries whose right answer ranks first. */
  r1: Scalars['Float']['output'];
  /** Percent of queries whose right answer ranks in the top 5. */
  r5: Scalars['Float']['output'];
  /** Percent of queries whose right answer ranks in the top 10. */
  r10: Scalars['Float']['output'];
};

/** A page of images that match a sentence. */
export type SearchConnection = {
  __typename?: 'SearchConnection';
  /** The images of this page, best first, each with its score. */
  edges: Array<ImageEdge>;
  /** How to fetch the next page. */
  pageInfo: PageInfo;
  /** The search text as the model saw it. */
  query: QueryText;
};

/** How a sentence becomes a vector. */
export type SentenceEncoder =
  /** The sum of word vectors. */
  | 'BOW'
  /** Word embeddings read by a GRU; the last hidden state. */
  | 'GRU'
  /** Word embeddings read by an LSTM; the last hidden state. */
  | 'LSTM'
  /** The mean of word vectors and a linear map (DeViSE-style). */
  | 'MEAN';

/** The model versions served, one per space. */
export type ServedModels = {
  __typename?: 'ServedModels';
  /** The bag-of-words model that answers analogy (null when it cannot be served: see `errors`). */
  regularities?: Maybe<Model>;
  /** The model that answers search and annotate (null when it cannot be served: see `errors`). */
  retrieval?: Maybe<Model>;
};

/** A page of images that look like a stored image. */
export type SimilarConnection = {
  __typename?: 'SimilarConnection';
  /** The images of this page, best first, each with its score (a stored image itself left out). */
  edges: Array<ImageEdge>;
  /** The stored image the list started from; null when it started from an uploaded picture. */
  image?: Maybe<Image>;
  /** How to fetch the next page. */
  pageInfo: PageInfo;
};

/** A joint space, after the two purposes of the paper. */
export type Space =
  /** Bag-of-words sentences (sums of word vectors): serves analogy. */
  | 'REGULARITIES'
  /** LSTM (or GRU) sentences: serves search and annotate. */
  | 'RETRIEVAL';

/** The dataset a model was trained on. */
export type TrainingData = {
  __typename?: 'TrainingData';
  /** The format it was read from (e.g. karpathy, precomp, demo). */
  format: Scalars['String']['output'];
  /** The dataset's name. */
  name: Scalars['String']['output'];
  /** The name of the folder or file it was read from (no local path). */
  source: Scalars['String']['output'];
};

/** How many vectors a model's indexes hold. */
export type VectorCounts = {
  __typename?: 'VectorCounts';
  /** Caption vectors. */
  captions: Scalars['Int']['output'];
  /** Image vectors. */
  images: Scalars['Int']['output'];
  /** The dataset splits exported. */
  splits: Array<Scalars['String']['output']>;
};

/** A model's vocabulary. */
export type Vocabulary = {
  __typename?: 'Vocabulary';
  /** The SHA-256 of the vocabulary file's content, in hex. */
  hash: Scalars['String']['output'];
  /** Words seen fewer times than this in training were left out. */
  minCount: Scalars['Int']['output'];
  /** How many entries it holds, the reserved <eos> and <unk> included. */
  size: Scalars['Int']['output'];
  /** The name of the tokenizer that splits text into its words. */
  tokenizer: Scalars['String']['output'];
};

/** How weight matrices are stored in the ONNX files. */
export type WeightPrecision =
  /** 16-bit floats (half the size). */
  | 'FLOAT16'
  /** 32-bit floats. */
  | 'FLOAT32'
  /** 8-bit integers, one scale per output unit (a quarter of the size). */
  | 'INT8';



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AnalogyMatch: ResolverTypeWrapper<Omit<AnalogyMatch, 'node'> & { node: ResolversTypes['Image'] }>;
  AnalogyResult: ResolverTypeWrapper<AnalogyResultParent>;
  AnnotationConnection: ResolverTypeWrapper<AnnotationConnectionParent>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Caption: ResolverTypeWrapper<CaptionParent>;
  CaptionEdge: ResolverTypeWrapper<Omit<CaptionEdge, 'node'> & { node: ResolversTypes['Caption'] }>;
  Evaluation: ResolverTypeWrapper<Evaluation>;
  File: ResolverTypeWrapper<Scalars['File']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Image: ResolverTypeWrapper<ImageParent>;
  ImageEdge: ResolverTypeWrapper<Omit<ImageEdge, 'node'> & { node: ResolversTypes['Image'] }>;
  ImageEncoder: ResolverTypeWrapper<ImageEncoder>;
  ImageInput: ImageInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Model: ResolverTypeWrapper<ModelParent>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  QueryText: ResolverTypeWrapper<QueryText>;
  RecallTable: ResolverTypeWrapper<RecallTable>;
  SearchConnection: ResolverTypeWrapper<Omit<SearchConnection, 'edges'> & { edges: Array<ResolversTypes['ImageEdge']> }>;
  SentenceEncoder: SentenceEncoder;
  ServedModels: ResolverTypeWrapper<ServedModelsParent>;
  SimilarConnection: ResolverTypeWrapper<SimilarConnectionParent>;
  Space: Space;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TrainingData: ResolverTypeWrapper<TrainingData>;
  VectorCounts: ResolverTypeWrapper<VectorCounts>;
  Vocabulary: ResolverTypeWrapper<Vocabulary>;
  WeightPrecision: WeightPrecision;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AnalogyMatch: Omit<AnalogyMatch, 'node'> & { node: ResolversParentTypes['Image'] };
  AnalogyResult: AnalogyResultParent;
  AnnotationConnection: AnnotationConnectionParent;
  Boolean: Scalars['Boolean']['output'];
  Caption: CaptionParent;
  CaptionEdge: Omit<CaptionEdge, 'node'> & { node: ResolversParentTypes['Caption'] };
  Evaluation: Evaluation;
  File: Scalars['File']['output'];
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Image: ImageParent;
  ImageEdge: Omit<ImageEdge, 'node'> & { node: ResolversParentTypes['Image'] };
  ImageEncoder: ImageEncoder;
  ImageInput: ImageInput;
  Int: Scalars['Int']['output'];
  Model: ModelParent;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  QueryText: QueryText;
  RecallTable: RecallTable;
  SearchConnection: Omit<SearchConnection, 'edges'> & { edges: Array<ResolversParentTypes['ImageEdge']> };
  ServedModels: ServedModelsParent;
  SimilarConnection: SimilarConnectionParent;
  String: Scalars['String']['output'];
  TrainingData: TrainingData;
  VectorCounts: VectorCounts;
  Vocabulary: Vocabulary;
};

export type AnalogyMatchResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnalogyMatch'] = ResolversParentTypes['AnalogyMatch']> = {
  node?: Resolver<ResolversTypes['Image'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type AnalogyResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnalogyResult'] = ResolversParentTypes['AnalogyResult']> = {
  image?: Resolver<ResolversTypes['Image'], ParentType, ContextType>;
  matches?: Resolver<Array<ResolversTypes['AnalogyMatch']>, ParentType, ContextType>;
  minus?: Resolver<ResolversTypes['QueryText'], ParentType, ContextType>;
  plus?: Resolver<ResolversTypes['QueryText'], ParentType, ContextType>;
};

export type AnnotationConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnnotationConnection'] = ResolversParentTypes['AnnotationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['CaptionEdge']>, ParentType, ContextType>;
  image?: Resolver<Maybe<ResolversTypes['Image']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type CaptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Caption'] = ResolversParentTypes['Caption']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  imageId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  split?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CaptionEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CaptionEdge'] = ResolversParentTypes['CaptionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Caption'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type EvaluationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Evaluation'] = ResolversParentTypes['Evaluation']> = {
  annotation?: Resolver<ResolversTypes['RecallTable'], ParentType, ContextType>;
  captions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  images?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rsum?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  search?: Resolver<ResolversTypes['RecallTable'], ParentType, ContextType>;
  split?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface FileScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['File'], any> {
  name: 'File';
}

export type ImageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Image'] = ResolversParentTypes['Image']> = {
  captions?: Resolver<Array<ResolversTypes['Caption']>, ParentType, ContextType>;
  file?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  split?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ImageEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ImageEdge'] = ResolversParentTypes['ImageEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Image'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type ImageEncoderResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ImageEncoder'] = ResolversParentTypes['ImageEncoder']> = {
  extractor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  parityMaxAbsDifference?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  resize?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  weights?: Resolver<ResolversTypes['WeightPrecision'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Model'] = ResolversParentTypes['Model']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  data?: Resolver<ResolversTypes['TrainingData'], ParentType, ContextType>;
  dimension?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  encoder?: Resolver<ResolversTypes['SentenceEncoder'], ParentType, ContextType>;
  evaluation?: Resolver<Maybe<ResolversTypes['Evaluation']>, ParentType, ContextType>;
  extractor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  featureDimension?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  imageEncoder?: Resolver<Maybe<ResolversTypes['ImageEncoder']>, ParentType, ContextType>;
  maxTokens?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  space?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  vectors?: Resolver<ResolversTypes['VectorCounts'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  vocabulary?: Resolver<ResolversTypes['Vocabulary'], ParentType, ContextType>;
  weights?: Resolver<ResolversTypes['WeightPrecision'], ParentType, ContextType>;
  wordDimension?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  analogy?: Resolver<ResolversTypes['AnalogyResult'], ParentType, ContextType, RequireFields<QueryAnalogyArgs, 'imageId' | 'k' | 'minus' | 'plus' | 'pool'>>;
  annotate?: Resolver<ResolversTypes['AnnotationConnection'], ParentType, ContextType, RequireFields<QueryAnnotateArgs, 'first' | 'image'>>;
  image?: Resolver<Maybe<ResolversTypes['Image']>, ParentType, ContextType, RequireFields<QueryImageArgs, 'id'>>;
  models?: Resolver<ResolversTypes['ServedModels'], ParentType, ContextType>;
  search?: Resolver<ResolversTypes['SearchConnection'], ParentType, ContextType, RequireFields<QuerySearchArgs, 'first' | 'text'>>;
  similar?: Resolver<ResolversTypes['SimilarConnection'], ParentType, ContextType, RequireFields<QuerySimilarArgs, 'first'>>;
};

export type QueryTextResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['QueryText'] = ResolversParentTypes['QueryText']> = {
  tokens?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  unknownWords?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type RecallTableResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RecallTable'] = ResolversParentTypes['RecallTable']> = {
  meanRank?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  medianRank?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  r1?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  r5?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  r10?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type SearchConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SearchConnection'] = ResolversParentTypes['SearchConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ImageEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  query?: Resolver<ResolversTypes['QueryText'], ParentType, ContextType>;
};

export type ServedModelsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ServedModels'] = ResolversParentTypes['ServedModels']> = {
  regularities?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType>;
  retrieval?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType>;
};

export type SimilarConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SimilarConnection'] = ResolversParentTypes['SimilarConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ImageEdge']>, ParentType, ContextType>;
  image?: Resolver<Maybe<ResolversTypes['Image']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TrainingDataResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TrainingData'] = ResolversParentTypes['TrainingData']> = {
  format?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type VectorCountsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VectorCounts'] = ResolversParentTypes['VectorCounts']> = {
  captions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  images?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  splits?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type VocabularyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Vocabulary'] = ResolversParentTypes['Vocabulary']> = {
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  minCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tokenizer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  AnalogyMatch?: AnalogyMatchResolvers<ContextType>;
  AnalogyResult?: AnalogyResultResolvers<ContextType>;
  AnnotationConnection?: AnnotationConnectionResolvers<ContextType>;
  Caption?: CaptionResolvers<ContextType>;
  CaptionEdge?: CaptionEdgeResolvers<ContextType>;
  Evaluation?: EvaluationResolvers<ContextType>;
  File?: GraphQLScalarType;
  Image?: ImageResolvers<ContextType>;
  ImageEdge?: ImageEdgeResolvers<ContextType>;
  ImageEncoder?: ImageEncoderResolvers<ContextType>;
  Model?: ModelResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  QueryText?: QueryTextResolvers<ContextType>;
  RecallTable?: RecallTableResolvers<ContextType>;
  SearchConnection?: SearchConnectionResolvers<ContextType>;
  ServedModels?: ServedModelsResolvers<ContextType>;
  SimilarConnection?: SimilarConnectionResolvers<ContextType>;
  TrainingData?: TrainingDataResolvers<ContextType>;
  VectorCounts?: VectorCountsResolvers<ContextType>;
  Vocabulary?: VocabularyResolvers<ContextType>;
};

