/**
 * Ctrl-C during training: the first asks the loop to stop after the current update (and write
 * a checkpoint); a second, at least a second later, quits at once without saving. One Ctrl-C
 * often arrives twice (from the terminal and relayed by a wrapper such as npm or tsx), hence the
 * second's grace period.
 */
export class StopRequest {
  private askedAt = 0;
  private readonly onSigint = () => {
    if (this.requested) {
      if (Date.now() - this.askedAt > 1000) process.exit(130);
      return;
    }
    this.askedAt = Date.now();
    this.say(`\n${this.message}`);
  };

  private constructor(
    private readonly say: (line: string) => void,
    private readonly message: string,
  ) {}

  /**
   * Starts listening for SIGINT; `dispose` stops. `message` is what the first Ctrl-C says
   * (the features command stops after a batch, not an update).
   */
  static listen(
    say: (line: string) => void,
    message = 'stopping after this update (Ctrl-C again to quit without saving)',
  ): StopRequest {
    const stop = new StopRequest(say, message);
    process.on('SIGINT', stop.onSigint);
    return stop;
  }

  get requested(): boolean {
    return this.askedAt !== 0;
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}
