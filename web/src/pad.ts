// A canvas to draw a digit on with a mouse, a pen or a finger (pointer events): white ink on
// black, like MNIST, in strokes about as thick relative to the digit as MNIST's.

export class DrawingPad {
  private readonly context: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | undefined;
  private frame = 0;

  /** `onChange` gets the ink (red channel, 0…255) after each change, at most once a frame. */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: (ink: Uint8Array, width: number, height: number) => void,
  ) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('the drawing canvas has no 2d context');
    this.context = context;
    this.clear();
    canvas.style.touchAction = 'none'; // a finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      canvas.setPointerCapture(event.pointerId);
      this.drawing = true;
      this.last = undefined;
      this.strokeTo(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!this.drawing) return;
      // Fast strokes deliver several positions per event; every one of them is ink.
      for (const e of event.getCoalescedEvents?.() ?? [event]) this.strokeTo(e);
    });
    for (const type of ['pointerup', 'pointercancel'] as const) {
      canvas.addEventListener(type, () => {
        this.drawing = false;
        this.last = undefined;
      });
    }
  }

  clear(): void {
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  private strokeTo(event: PointerEvent): void {
    const box = this.canvas.getBoundingClientRect();
    const point = { x: ((event.clientX - box.left) / box.width) * this.canvas.width, y: ((event.clientY - box.top) / box.height) * this.canvas.height };
    const c = this.context;
    c.strokeStyle = c.fillStyle = '#fff';
    // A digit drawn over most of the canvas is scaled by ≈ 0.1 into MNIST's 20 × 20 box: a
    // stroke a fourteenth of the canvas wide comes out ≈ 2 px wide, as MNIST's are.
    c.lineWidth = this.canvas.width / 14;
    c.lineCap = c.lineJoin = 'round';
    c.beginPath();
    if (this.last) {
      c.moveTo(this.last.x, this.last.y);
      c.lineTo(point.x, point.y);
      c.stroke();
    } else {
      c.arc(point.x, point.y, c.lineWidth / 2, 0, 2 * Math.PI);
      c.fill();
    }
    this.last = point;
    this.changed();
  }

  /** Calls `onChange` with the ink on the canvas now (at the next frame). */
  changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const { width, height } = this.canvas;
      const rgba = this.context.getImageData(0, 0, width, height).data;
      const ink = new Uint8Array(width * height);
      for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i]!;
      this.onChange(ink, width, height);
    });
  }
}
