/**
 * The studio's preview of a video, as a Lit controller so the studio only hosts it: which frame
 * is wanted (chosen with <video-scrubber>), that frame as a still for the ordinary previewer
 * (jobs/video-frames.ts), and the open video, closed when another file is previewed or the studio
 * leaves the page.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import * as api from '../api';
import './video-scrubber';

export class VideoPreviewController implements ReactiveController {
  private opened?: { key: string; path: string; frames: Promise<api.VideoFrames> };
  private info?: api.VideoFramesInfo;
  /** The frame wanted, and the one on screen (undefined while none is). */
  private index = 0;
  private shownIndex?: number;
  /** The still on screen is the video's luma plane (a recipe that starts with grayscale). */
  private luma = false;

  /**
   * @param host the studio
   * @param schedulePreview asks for a preview once changes pause (the studio's debounce)
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly schedulePreview: () => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.close();
  }

  /**
   * The wanted frame of the video `path` (its bytes `file`, cache key `key`) as a still for
   * `recipe` and a key for the previewer; undefined when another frame was chosen while this one decoded (the
   * newer choice asks for its own preview). A new video starts at its first frame. `time`: the frame's timestamp (s).
   */
  async still(path: string, file: Blob, key: string, recipe: api.Recipe): Promise<{ file: Blob; key: string; time: number } | undefined> {
    if (this.opened?.key !== key) {
      this.close();
      const frames = api.openVideoFrames(file, path);
      this.opened = { key, path, frames };
      frames.catch(() => undefined); // said by the preview that awaits it
    }
    const opened = this.opened;
    const frames = await opened.frames;
    if (this.opened !== opened) return undefined;
    if (this.info !== frames.info) {
      this.info = frames.info;
      this.host.requestUpdate();
    }
    const index = this.index;
    const still = await frames.frameAt(index, api.resolveSteps(recipe));
    if (this.opened !== opened || this.index !== index) return undefined;
    this.luma = still.luma;
    return {
      file: still.image,
      key: `${key}|frame ${still.index} at ${still.timestamp}${still.luma ? ' luma' : ''}`,
      time: still.timestamp,
    };
  }

  /** The frame chosen with the scrubber (0-based). */
  get frameIndex(): number {
    return this.index;
  }

  /** The still of `still()` is on screen now (the scrubber stops saying it decodes). */
  shown(): void {
    this.shownIndex = this.index;
    this.host.requestUpdate();
  }

  /** Forgets the open video (the preview moved to another file, or the input changed). */
  close(): void {
    const opened = this.opened;
    this.opened = undefined;
    this.info = undefined;
    this.index = 0;
    this.shownIndex = undefined;
    void opened?.frames.then(
      (f) => f.dispose(),
      () => undefined,
    );
  }

  private seek(index: number): void {
    this.index = index;
    this.host.requestUpdate();
    this.schedulePreview();
  }

  /** The scrubber, while a video is in the preview and open. */
  render(): TemplateResult | typeof nothing {
    if (!this.opened || !this.info) return nothing;
    return html`<video-scrubber
      .info=${this.info}
      .index=${this.index}
      .shown=${this.shownIndex === this.index}
      .luma=${this.luma}
      label=${this.opened.path}
      @seek=${(e: CustomEvent<number>) => this.seek(e.detail)}
    ></video-scrubber>`;
  }
}
