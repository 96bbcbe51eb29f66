import type { Random } from '../random.ts';
import {
  COLOUR_NAMES,
  COUNT_VALUES,
  type ImageAttributes,
  OBJECT_NAMES,
  SETTING_NAMES,
} from './attributes.ts';

/**
 * CNN-like image features for the demo world. Each attribute value owns a random latent vector;
 * a picture's latent is the sum of its values' vectors, an object-colour interaction, hidden
 * nuisance factors (lighting, framing) that no caption mentions, and per-picture noise. A fixed
 * random mixing matrix and a ReLU turn it into a non-negative feature vector, about half zeros,
 * like the pooled output of a real CNN. A linear projection can recover the attributes, but not
 * perfectly: retrieval is learnable and not trivial.
 */

export interface FeatureOptions {
  /** Output dimension (a CNN's pooled feature width). */
  dim: number;
  /** Dimension of the hidden latent space. */
  latentDim: number;
  /** Standard deviation of per-picture noise in the latent, relative to an attribute's. */
  noise: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { dim: 512, latentDim: 64, noise: 2 };

const NUISANCE_FACTORS = 4;

export class FeatureGenerator {
  private readonly table = new Map<string, Float32Array>();
  private readonly nuisance: Float32Array[];
  private readonly mixing: Float32Array;
  private readonly bias: Float32Array;

  /** Draws the world's fixed parts (attribute latents, mixing matrix) from `rng`. */
  constructor(
    rng: Random,
    readonly options: FeatureOptions = DEFAULT_FEATURE_OPTIONS,
  ) {
    const { dim, latentDim } = options;
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`feature dim must be >= 1, got ${dim}`);
    const latent = () => rng.gaussians(latentDim);
    for (const c of COLOUR_NAMES) this.table.set(`colour:${c}`, latent());
    for (const o of OBJECT_NAMES) this.table.set(`object:${o}`, latent());
    for (const s of SETTING_NAMES) this.table.set(`setting:${s}`, latent());
    for (const n of COUNT_VALUES) this.table.set(`count:${n}`, latent());
    // How each object shows each colour (a red car is not a red dog): weaker than the main effects.
    for (const o of OBJECT_NAMES) {
      for (const c of COLOUR_NAMES) this.table.set(`${o}*${c}`, rng.gaussians(latentDim, 0.5));
    }
    this.nuisance = Array.from({ length: NUISANCE_FACTORS }, () => latent());
    // Scaled so that the pre-activation has unit variance per unit of latent variance.
    this.mixing = rng.gaussians(dim * latentDim, 1 / Math.sqrt(latentDim));
    // A negative bias makes about half of the outputs zero after the ReLU.
    this.bias = rng.gaussians(dim, 0.5);
    for (let i = 0; i < dim; i++) this.bias[i] = (this.bias[i] as number) - 0.3;
  }

  private part(key: string): Float32Array {
    const v = this.table.get(key);
    if (!v) throw new Error(`no latent for ${key}`);
    return v;
  }

  /** The feature vector of one picture; `rng` supplies its nuisance and noise. */
  generate(attrs: ImageAttributes, rng: Random): Float32Array {
    const { dim, latentDim, noise } = this.options;
    const h = new Float32Array(latentDim);
    const parts = [
      this.part(`colour:${attrs.colour}`),
      this.part(`object:${attrs.object}`),
      this.part(`setting:${attrs.setting}`),
      this.part(`count:${attrs.count}`),
      this.part(`${attrs.object}*${attrs.colour}`),
    ];
    for (const p of parts)
      for (let i = 0; i < latentDim; i++) h[i] = (h[i] as number) + (p[i] as number);
    for (const factor of this.nuisance) {
      const w = rng.gaussian() * 0.5;
      for (let i = 0; i < latentDim; i++) h[i] = (h[i] as number) + w * (factor[i] as number);
    }
    for (let i = 0; i < latentDim; i++) h[i] = (h[i] as number) + rng.gaussian() * noise;
    // Overall brightness scales the whole response, as exposure does in a photo.
    const gain = Math.exp(rng.gaussian() * 0.2);
    const out = new Float32Array(dim);
    for (let r = 0; r < dim; r++) {
      let acc = this.bias[r] as number;
      const row = r * latentDim;
      for (let i = 0; i < latentDim; i++)
        acc += (this.mixing[row + i] as number) * (h[i] as number);
      // Sensor-level noise per output unit, independent of the latent.
      out[r] = Math.max(0, acc * gain + rng.gaussian() * noise * 0.5);
    }
    return out;
  }
}
