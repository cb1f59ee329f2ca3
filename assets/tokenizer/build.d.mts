// Types of build.mjs for the TypeScript tests that rebuild the tokenizer and compare.
export declare const SPECIALS: string[];
export declare const SPLIT_REGEX: string;
export declare function buildTokenizer(names: { first: string[]; last: string[] }): {
  tokenizer: { model: { type: 'WordLevel'; vocab: Record<string, number>; unk_token: string } } & Record<string, unknown>;
  config: Record<string, unknown>;
};
