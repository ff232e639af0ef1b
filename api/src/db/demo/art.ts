// The demo blog's pictures, drawn as SVG at seed time (no downloads, no fonts: shapes only) and
// rasterised with sharp, because the media library refuses SVG uploads. Every scene is drawn
// on a 1600×900 canvas and scaled to the size asked for.
import sharp from 'sharp';

/** The scenes the demo's covers and inline pictures are drawn from. */
export type SceneKind =
  | 'pages'
  | 'abacus'
  | 'night-train'
  | 'route'
  | 'stew'
  | 'lock'
  | 'calendar'
  | 'volcano'
  | 'coast-trail'
  | 'loaf'
  | 'timeline'
  | 'chips'
  | 'bars'
  | 'manual'
  | 'rainy-city'
  | 'ramen'
  | 'layers'
  | 'notebook'
  | 'alps'
  | 'jars'
  | 'shield'
  | 'tools'
  | 'loop-line'
  | 'dumplings'
  | 'disks';

export interface Scene {
  kind: SceneKind;
  /** Background gradient, top to bottom (or the scene's own use of it). */
  sky: [string, string];
  /** The scene's main colours, darkest first. */
  ink: [string, string, string];
}

const W = 1600;
const H = 900;

// Each drawing is a function of the scene's colours; `sky` and `vignette` frame them all.
type Draw = (scene: Scene) => string;

const rect = (x: number, y: number, w: number, h: number, fill: string, extra = '') =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}" ${extra}/>`;
const circle = (cx: number, cy: number, r: number, fill: string, extra = '') =>
  `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}" ${extra}/>`;
const path = (d: string, fill: string, extra = '') => `<path d="${d}" fill="${fill}" ${extra}/>`;
const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, width: number, extra = '') =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round" ${extra}/>`;
const group = (transform: string, body: string) => `<g transform="${transform}">${body}</g>`;

/** `n` items of `each(i)`, joined. */
const times = (n: number, each: (i: number) => string) => Array.from({ length: n }, (_, i) => each(i)).join('');

/** A deterministic scatter (stars, bubbles, rain): the same picture on every seed. */
function scatter(n: number, seed: number): Array<[number, number, number]> {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: n }, () => [next(), next(), next()] as [number, number, number]);
}

/** A ridge line from left to right through `points` (x, y pairs), closed at the bottom. */
const ridge = (points: Array<[number, number]>, fill: string, bottom = H) =>
  path(`M0 ${bottom} ${points.map(([x, y]) => `L${x} ${y}`).join(' ')} L${W} ${bottom} Z`, fill);

/** Soft steam curls above a point. */
const steam = (x: number, y: number, colour: string) =>
  times(3, (i) => {
    const sx = x - 90 + i * 90;
    return path(
      `M${sx} ${y} C${sx - 40} ${y - 60} ${sx + 40} ${y - 110} ${sx} ${y - 170} C${sx - 35} ${y - 220} ${sx + 30} ${y - 260} ${sx} ${y - 300}`,
      'none',
      `stroke="${colour}" stroke-width="14" stroke-linecap="round" opacity="${0.55 - i * 0.1}"`,
    );
  });

/** A wooden table top across the lower part of the picture. */
const table = (top: number, wood: string, grain: string) =>
  rect(0, top, W, H - top, wood) +
  times(5, (i) => line(0, top + 40 + i * 45, W, top + 30 + i * 47, grain, 3, 'opacity="0.35"'));

const DRAWINGS: Record<SceneKind, Draw> = {
  pages: ({ ink: [dark, mid, light] }) =>
    times(3, (i) =>
      group(
        `translate(${420 + i * 150} ${150 + i * 70}) rotate(${-8 + i * 6})`,
        rect(0, 0, 520, 620, i === 2 ? '#fdfbf7' : light, `rx="28" opacity="${0.75 + i * 0.12}"`) +
          rect(50, 60, 300, 34, i === 2 ? dark : mid, 'rx="12"') +
          times(7, (row) =>
            rect(50, 140 + row * 56, row % 3 === 2 ? 260 : 420, 18, i === 2 ? mid : dark, 'rx="9" opacity="0.45"'),
          ) +
          rect(50, 540, 160, 40, i === 2 ? dark : mid, 'rx="20" opacity="0.8"'),
      ),
    ) + times(4, (i) => line(170, 260 + i * 110, 340 - i * 30, 260 + i * 110, light, 14, 'opacity="0.6"')),

  abacus: ({ ink: [dark, mid, light] }) =>
    rect(260, 140, 1080, 640, 'none', `rx="30" stroke="${dark}" stroke-width="34"`) +
    times(5, (row) => {
      const y = 240 + row * 110;
      const left = [3, 5, 2, 7, 4][row] ?? 3;
      return (
        line(280, y, 1320, y, dark, 8, 'opacity="0.7"') +
        times(10, (bead) => {
          const x = bead < left ? 340 + bead * 74 : 700 + bead * 58;
          return `<ellipse cx="${x}" cy="${y}" rx="34" ry="42" fill="${bead < left ? mid : light}"/>`;
        })
      );
    }),

  'night-train': ({ ink: [dark, mid, light] }) =>
    scatter(90, 7)
      .map(([x, y, r]) => circle(x * W, y * 480, 1.5 + r * 3, '#fff', `opacity="${0.4 + r * 0.6}"`))
      .join('') +
    circle(1260, 190, 80, '#fdf3c4') +
    circle(1295, 170, 70, 'url(#sky)') +
    ridge(
      [
        [0, 560],
        [260, 470],
        [520, 540],
        [820, 430],
        [1120, 520],
        [1380, 460],
        [1600, 520],
      ],
      mid,
    ) +
    ridge(
      [
        [0, 690],
        [400, 650],
        [900, 680],
        [1600, 640],
      ],
      dark,
    ) +
    line(0, 705, W, 705, '#0b0f1a', 10) +
    times(4, (car) =>
      group(
        `translate(${120 + car * 340} 600)`,
        rect(0, 0, 320, 100, car === 0 ? '#1c2233' : '#242c42', 'rx="18"') +
          times(car === 0 ? 2 : 5, (w) => rect(car === 0 ? 150 + w * 70 : 22 + w * 60, 26, 40, 34, light, 'rx="6"')) +
          circle(60, 104, 16, '#0b0f1a') +
          circle(260, 104, 16, '#0b0f1a'),
      ),
    ),

  route: ({ ink: [dark, mid, light] }) =>
    path(
      'M120 180 C380 120 560 240 720 200 C900 150 1100 230 1240 320 C1380 420 1300 600 1420 720 L1480 900 L60 900 Z',
      light,
      'opacity="0.9"',
    ) +
    path(
      'M300 840 C420 700 460 600 600 560 C760 520 800 400 940 380',
      'none',
      `stroke="${mid}" stroke-width="10" stroke-dasharray="4 26" stroke-linecap="round"`,
    ) +
    path(
      'M380 230 C520 330 600 420 700 470 C820 540 900 620 1000 660 C1100 700 1160 760 1220 800',
      'none',
      `stroke="${dark}" stroke-width="14" stroke-dasharray="30 22" stroke-linecap="round"`,
    ) +
    [
      [380, 230],
      [700, 470],
      [1000, 660],
      [1220, 800],
    ]
      .map(([x, y]) => circle(x ?? 0, y ?? 0, 30, '#fff', `stroke="${dark}" stroke-width="12"`))
      .join(''),

  stew: ({ ink: [dark, mid, light] }) =>
    table(620, '#6b4a33', '#3f2a1c') +
    `<ellipse cx="800" cy="760" rx="420" ry="70" fill="#000" opacity="0.25"/>` +
    path('M400 560 Q420 800 800 800 Q1180 800 1200 560 Z', '#2b2522') +
    `<ellipse cx="800" cy="560" rx="400" ry="95" fill="#3b332e"/>` +
    `<ellipse cx="800" cy="565" rx="350" ry="72" fill="${dark}"/>` +
    `<ellipse cx="790" cy="560" rx="300" ry="55" fill="${mid}"/>` +
    rect(640, 520, 90, 60, '#f4efe6', 'rx="12" transform="rotate(-12 685 550)"') +
    rect(860, 530, 80, 56, '#f4efe6', 'rx="12" transform="rotate(10 900 558)"') +
    times(9, (i) => circle(620 + i * 45, 548 + (i % 3) * 14, 12, light)) +
    steam(800, 440, '#fff'),

  lock: ({ ink: [dark, mid, light] }) =>
    path(
      'M590 420 V320 A210 210 0 0 1 1010 320 V420',
      'none',
      `stroke="${mid}" stroke-width="70" stroke-linecap="round"`,
    ) +
    rect(500, 400, 600, 420, dark, 'rx="60"') +
    rect(530, 430, 540, 360, mid, 'rx="44" opacity="0.35"') +
    circle(800, 560, 60, light) +
    rect(775, 570, 50, 140, light, 'rx="20"') +
    times(6, (i) => circle(230 + i * 30, 200 + i * 100, 10 + (i % 3) * 4, light, 'opacity="0.5"')) +
    times(6, (i) => circle(1370 - i * 28, 220 + i * 95, 8 + (i % 2) * 6, light, 'opacity="0.5"')),

  calendar: ({ ink: [dark, mid, light] }) =>
    rect(340, 130, 920, 680, '#fdfbf7', 'rx="36"') +
    rect(340, 130, 920, 130, dark, 'rx="36"') +
    rect(340, 210, 920, 50, dark) +
    times(2, (i) => rect(480 + i * 560, 90, 40, 110, mid, 'rx="20"')) +
    times(35, (day) => {
      const x = 400 + (day % 7) * 122;
      const y = 300 + Math.floor(day / 7) * 100;
      const done = day < 26 && day % 9 !== 4;
      return (
        rect(x, y, 96, 76, done ? light : '#ece7dc', 'rx="16"') +
        (done
          ? path(
              `M${x + 26} ${y + 40} L${x + 44} ${y + 58} L${x + 74} ${y + 22}`,
              'none',
              `stroke="${dark}" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"`,
            )
          : '')
      );
    }),

  volcano: ({ ink: [dark, mid, light] }) =>
    circle(1240, 230, 90, '#fff4d6', 'opacity="0.9"') +
    path('M140 640 C420 600 560 330 760 300 C820 292 860 292 900 300 C1080 330 1220 600 1480 640 Z', mid) +
    path('M700 330 C740 300 860 296 900 320 C860 340 740 345 700 330 Z', dark, 'opacity="0.5"') +
    rect(0, 630, W, 270, light) +
    times(6, (i) =>
      path(
        `M${-40 + i * 20} ${680 + i * 36} Q${200} ${660 + i * 36} ${400} ${680 + i * 36} T${800} ${680 + i * 36} T${1200} ${680 + i * 36} T${1640} ${680 + i * 36}`,
        'none',
        `stroke="#fff" stroke-width="6" opacity="${0.5 - i * 0.06}"`,
      ),
    ) +
    ridge(
      [
        [0, 640],
        [180, 600],
        [360, 625],
        [520, 610],
        [600, 640],
      ],
      dark,
      660,
    ) +
    path('M120 612 C240 560 300 600 360 590', 'none', `stroke="#f28c28" stroke-width="10" stroke-dasharray="24 18"`),

  'coast-trail': ({ ink: [dark, mid, light] }) =>
    path(
      'M260 120 C520 80 860 110 1100 180 C1340 250 1420 420 1360 580 C1300 740 1040 820 760 800 C480 780 260 700 200 520 C150 370 160 170 260 120 Z',
      light,
    ) +
    path('M760 420 C720 360 860 330 880 400 C900 470 800 480 760 420 Z', mid) +
    path(
      'M300 240 C520 170 900 170 1120 250 C1320 330 1340 520 1250 640 C1140 760 880 780 660 740 C440 700 270 620 250 470 C240 360 250 280 300 240 Z',
      'none',
      `stroke="#f28c28" stroke-width="12" stroke-dasharray="34 22" stroke-linecap="round"`,
    ) +
    path(
      'M300 240 C520 170 900 170 1120 250 C1320 330 1340 520 1250 640 C1140 760 880 780 660 740 C440 700 270 620 250 470 C240 360 250 280 300 240 Z',
      'none',
      `stroke="#3a86ff" stroke-width="12" stroke-dasharray="34 22" stroke-dashoffset="28" stroke-linecap="round" opacity="0.8"`,
    ) +
    [
      [300, 240],
      [1120, 250],
      [1250, 640],
      [660, 740],
      [250, 470],
    ]
      .map(([x, y]) => circle(x ?? 0, y ?? 0, 24, '#fff', `stroke="${dark}" stroke-width="10"`))
      .join(''),

  loaf: ({ ink: [dark, mid, light] }) =>
    table(600, '#c9a27a', '#8c6a4c') +
    `<ellipse cx="800" cy="700" rx="480" ry="60" fill="#000" opacity="0.2"/>` +
    path('M360 690 C330 470 560 330 800 330 C1040 330 1270 470 1240 690 Z', mid) +
    path('M380 690 C370 520 580 380 800 380 C1020 380 1230 520 1220 690 Z', dark, 'opacity="0.35"') +
    path('M520 520 C640 420 840 400 1000 430', 'none', `stroke="${light}" stroke-width="38" stroke-linecap="round"`) +
    path(
      'M540 505 C660 410 850 392 1010 420',
      'none',
      `stroke="#fff6e3" stroke-width="10" stroke-linecap="round" opacity="0.7"`,
    ) +
    times(14, (i) => circle(420 + i * 60, 820 - (i % 2) * 20, 6, '#fff', 'opacity="0.7"')),

  timeline: ({ ink: [dark, mid, light] }) =>
    line(160, 760, 1440, 760, dark, 8) +
    times(7, (i) => line(160 + i * 213, 740, 160 + i * 213, 780, dark, 8)) +
    [
      [160, 140, 0],
      [300, 420, 1],
      [720, 120, 0],
      [840, 560, 2],
      [1400, 40, 0],
    ]
      .map(([x, w, kind], row) =>
        rect(x ?? 0, 180 + row * 110, w ?? 0, 70, kind === 0 ? dark : kind === 1 ? mid : light, 'rx="35"'),
      )
      .join('') +
    circle(1440, 250, 40, light, `stroke="${dark}" stroke-width="10"`),

  chips: ({ ink: [dark, mid, light] }) =>
    times(12, (i) => line(240 + i * 100, 180, 240 + i * 100, 720, mid, 4, 'opacity="0.25"')) +
    times(6, (i) => line(200, 200 + i * 100, 1400, 200 + i * 100, mid, 4, 'opacity="0.25"')) +
    times(2, (chip) =>
      group(
        `translate(${360 + chip * 520} 250)`,
        times(
          5,
          (pin) => rect(-50, 50 + pin * 70, 50, 22, mid, 'rx="6"') + rect(360, 50 + pin * 70, 50, 22, mid, 'rx="6"'),
        ) +
          times(
            5,
            (pin) => rect(50 + pin * 60, -50, 22, 50, mid, 'rx="6"') + rect(50 + pin * 60, 360, 22, 50, mid, 'rx="6"'),
          ) +
          rect(0, 0, 360, 380, dark, 'rx="30"') +
          rect(60, 60, 240, 260, light, 'rx="18" opacity="0.9"'),
      ),
    ),

  bars: ({ ink: [dark, mid, light] }) =>
    line(200, 760, 1420, 760, dark, 8) +
    line(200, 140, 200, 760, dark, 8) +
    [420, 560, 230, 610, 330, 520]
      .map((h, i) => rect(280 + i * 190, 760 - h, 120, h, i % 2 === 0 ? mid : light, 'rx="14"'))
      .join('') +
    path(
      'M300 520 L480 430 L660 470 L850 300 L1040 330 L1260 200',
      'none',
      `stroke="${dark}" stroke-width="10" stroke-linejoin="round" stroke-linecap="round"`,
    ),

  manual: ({ ink: [dark, mid, light] }) =>
    path('M800 260 C660 200 440 200 300 240 V760 C440 720 660 720 800 780 Z', '#fbf6ea') +
    path('M800 260 C940 200 1160 200 1300 240 V760 C1160 720 940 720 800 780 Z', '#f4ecda') +
    line(800, 260, 800, 780, mid, 6) +
    times(8, (i) => line(370, 320 + i * 50, i === 7 ? 560 : 730, 310 + i * 48, dark, 10, 'opacity="0.35"')) +
    rect(880, 300, 340, 200, light, 'rx="12" opacity="0.8"') +
    path('M900 480 L980 380 L1050 440 L1120 350 L1200 480 Z', mid) +
    times(4, (i) => line(880, 560 + i * 50, i === 3 ? 1080 : 1220, 550 + i * 48, dark, 10, 'opacity="0.35"')) +
    rect(280, 760, 1040, 40, dark, 'rx="14" opacity="0.25"'),

  'rainy-city': ({ ink: [dark, mid, light] }) =>
    path('M0 600 C300 560 500 460 800 420 C1100 380 1350 420 1600 380 V900 H0 Z', dark, 'opacity="0.5"') +
    times(11, (i) => {
      const x = 40 + i * 140;
      const base = 640 - Math.sin(i * 0.7) * 90;
      const colours = ['#f2b5a0', '#f6d28b', '#9cc9c4', '#c7b8e8', '#f4efe6'];
      const h = 190 + (i % 3) * 50;
      return (
        rect(x, base - h, 120, h + 300, colours[i % colours.length] ?? light) +
        path(`M${x - 10} ${base - h} L${x + 60} ${base - h - 50} L${x + 130} ${base - h} Z`, '#c1543a') +
        times(2, (w) => rect(x + 20 + w * 48, base - h + 40, 32, 46, mid, 'rx="4" opacity="0.8"'))
      );
    }) +
    group(
      'translate(560 640)',
      rect(0, 0, 420, 160, '#f4c430', 'rx="26"') +
        rect(0, 110, 420, 50, '#e8e2d0', 'rx="10"') +
        times(5, (w) => rect(28 + w * 78, 28, 56, 62, '#2e3a4f', 'rx="8"')) +
        line(210, 0, 250, -120, '#222', 6),
    ) +
    scatter(140, 11)
      .map(([x, y]) => line(x * W, y * H, x * W - 18, y * H + 60, light, 3, 'opacity="0.55"'))
      .join(''),

  ramen: ({ ink: [dark, mid, light] }) =>
    table(640, '#2f2a28', '#1b1716') +
    `<ellipse cx="800" cy="800" rx="460" ry="60" fill="#000" opacity="0.35"/>` +
    path('M330 560 Q360 820 800 820 Q1240 820 1270 560 Z', dark) +
    `<ellipse cx="800" cy="560" rx="470" ry="110" fill="#f4efe6"/>` +
    `<ellipse cx="800" cy="565" rx="430" ry="90" fill="${mid}"/>` +
    times(6, (i) =>
      path(
        `M${520 + i * 30} ${590 - i * 6} C${620} ${540 - i * 5} ${700} ${620 - i * 4} ${820} ${560 - i * 5} S${1000} ${600 - i * 6} ${1080 - i * 10} ${560 - i * 4}`,
        'none',
        `stroke="#f6d58e" stroke-width="12" stroke-linecap="round"`,
      ),
    ) +
    `<ellipse cx="980" cy="540" rx="70" ry="48" fill="#fff"/>` +
    `<ellipse cx="985" cy="545" rx="34" ry="24" fill="#f29e1f"/>` +
    rect(520, 470, 110, 150, '#1f3b2a', 'rx="8" transform="rotate(-14 575 545)"') +
    times(5, (i) => circle(720 + i * 36, 520 + (i % 2) * 18, 12, light)) +
    line(1150, 300, 1390, 720, '#c08a52', 18) +
    line(1210, 290, 1430, 700, '#c08a52', 18) +
    steam(800, 420, '#fff'),

  layers: ({ ink: [dark, mid, light] }) =>
    times(3, (i) => {
      const y = 620 - i * 170;
      const fill = [dark, mid, light][i] ?? dark;
      return (
        path(`M800 ${y - 110} L1240 ${y} L800 ${y + 110} L360 ${y} Z`, fill, `opacity="${i === 2 ? 0.85 : 1}"`) +
        path(`M360 ${y} L360 ${y + 30} L800 ${y + 140} L800 ${y + 110} Z`, fill, 'opacity="0.7"') +
        path(`M1240 ${y} L1240 ${y + 30} L800 ${y + 140} L800 ${y + 110} Z`, fill, 'opacity="0.5"')
      );
    }) + times(3, (i) => line(1300, 620 - i * 170, 1420, 620 - i * 170, '#fff', 10, 'opacity="0.6"')),

  notebook: ({ ink: [dark, mid, light] }) =>
    table(700, '#d8c3a5', '#a88b66') +
    group(
      'rotate(-6 800 450)',
      rect(470, 150, 640, 640, '#000', 'rx="30" opacity="0.2" transform="translate(18 22)"') +
        rect(470, 150, 640, 640, dark, 'rx="30"') +
        rect(1020, 150, 34, 640, mid) +
        rect(560, 280, 300, 120, light, 'rx="12" opacity="0.9"') +
        times(3, (i) => line(590, 320 + i * 30, 830 - i * 60, 320 + i * 30, dark, 6, 'opacity="0.6"')),
    ) +
    group(
      'rotate(28 1250 520)',
      rect(1180, 200, 44, 520, '#f2c14e', 'rx="10"') +
        path('M1180 720 L1202 790 L1224 720 Z', '#f4e3c1') +
        path('M1196 768 L1202 790 L1208 768 Z', '#333') +
        rect(1180, 200, 44, 60, '#e07a5f', 'rx="10"'),
    ),

  alps: ({ ink: [dark, mid, light] }) =>
    circle(380, 210, 70, '#fff6da') +
    ridge(
      [
        [0, 520],
        [200, 360],
        [380, 470],
        [620, 220],
        [860, 450],
        [1080, 260],
        [1300, 430],
        [1460, 330],
        [1600, 400],
      ],
      mid,
    ) +
    path('M560 300 L620 220 L680 300 L650 290 L620 310 L590 290 Z', '#fff') +
    path('M1030 320 L1080 260 L1130 320 L1105 312 L1080 330 L1055 312 Z', '#fff') +
    path('M1420 370 L1460 330 L1500 370 L1480 365 L1460 378 L1440 365 Z', '#fff') +
    ridge(
      [
        [0, 700],
        [400, 600],
        [800, 660],
        [1200, 580],
        [1600, 650],
      ],
      dark,
    ) +
    path(
      'M1400 900 C1300 820 1000 860 900 800 C800 740 1100 720 1000 670 C920 630 760 660 700 620',
      'none',
      `stroke="${light}" stroke-width="22" stroke-linecap="round" opacity="0.9"`,
    ) +
    group(
      'translate(980 700)',
      circle(0, 60, 44, 'none', 'stroke="#1b1b1b" stroke-width="10"') +
        circle(150, 60, 44, 'none', 'stroke="#1b1b1b" stroke-width="10"') +
        path(
          'M0 60 L55 0 L120 0 L150 60 M55 0 L75 60 L120 0 M40 -20 L70 -20',
          'none',
          'stroke="#c0392b" stroke-width="10" stroke-linejoin="round"',
        ) +
        circle(72, -75, 18, '#1b1b1b') +
        path('M72 -55 L60 -10 L100 -5', 'none', 'stroke="#1b1b1b" stroke-width="14" stroke-linecap="round"'),
    ),

  jars: ({ ink: [dark, mid, light] }) =>
    rect(0, 700, W, 200, '#e8dcc8') +
    times(4, (i) => {
      const x = 260 + i * 290;
      const h = 340 + (i % 2) * 60;
      const fill = [mid, '#e0a458', light, '#c44536'][i] ?? mid;
      return (
        rect(x, 700 - h, 220, h, '#fff', `rx="40" opacity="0.55" stroke="${dark}" stroke-width="6"`) +
        rect(x + 14, 700 - h * 0.72, 192, h * 0.72 - 14, fill, 'rx="30"') +
        rect(x + 20, 700 - h - 40, 180, 50, dark, 'rx="14"') +
        scatter(8, 3 + i)
          .map(([bx, by, r]) =>
            circle(x + 40 + bx * 140, 700 - h * 0.65 + by * h * 0.55, 5 + r * 8, '#fff', 'opacity="0.6"'),
          )
          .join('')
      );
    }),

  shield: ({ ink: [dark, mid, light] }) =>
    path('M800 120 L1180 240 C1180 560 1040 720 800 820 C560 720 420 560 420 240 Z', dark) +
    path('M800 180 L1120 282 C1118 548 1000 686 800 770 C600 686 482 548 480 282 Z', mid) +
    line(720, 300, 680, 660, light, 40) +
    line(900, 300, 860, 660, light, 40) +
    line(600, 410, 980, 410, light, 40) +
    line(580, 550, 960, 550, light, 40),

  tools: ({ ink: [dark, mid, light] }) =>
    group(
      'rotate(-18 800 450)',
      rect(380, 390, 840, 120, light, 'rx="14"') +
        times(21, (i) => line(420 + i * 38, 390, 420 + i * 38, i % 5 === 0 ? 460 : 430, dark, 5)),
    ) +
    group(
      'rotate(24 800 450)',
      rect(560, 300, 56, 480, '#f2c14e', 'rx="10"') +
        rect(560, 300, 56, 70, '#e07a5f', 'rx="10"') +
        path('M560 780 L588 860 L616 780 Z', '#f4e3c1') +
        path('M580 835 L588 860 L596 835 Z', '#333'),
    ) +
    group(
      'rotate(-60 1100 400)',
      rect(1000, 360, 220, 70, mid, 'rx="30"') +
        rect(1220, 382, 260, 26, '#b8c0c8', 'rx="8"') +
        rect(1470, 376, 30, 38, dark, 'rx="6"'),
    ),

  'loop-line': ({ ink: [dark, mid, light] }) =>
    times(16, (i) => {
      const h = 160 + ((i * 73) % 230);
      return (
        rect(i * 100, 900 - h, 92, h, dark, 'opacity="0.85"') +
        times(4, (w) =>
          (i + w) % 3 === 0
            ? rect(i * 100 + 16 + (w % 2) * 40, 900 - h + 30 + Math.floor(w / 2) * 50, 22, 28, light, 'opacity="0.8"')
            : '',
        )
      );
    }) +
    `<ellipse cx="800" cy="380" rx="520" ry="230" fill="none" stroke="#3cb44b" stroke-width="34"/>` +
    times(12, (i) => {
      const a = (i / 12) * Math.PI * 2;
      return circle(800 + Math.cos(a) * 520, 380 + Math.sin(a) * 230, 20, '#fff', `stroke="${mid}" stroke-width="8"`);
    }),

  dumplings: ({ ink: [dark, mid, light] }) =>
    table(560, '#3d2c2e', '#24191a') +
    `<ellipse cx="760" cy="640" rx="560" ry="190" fill="#000" opacity="0.25"/>` +
    `<ellipse cx="760" cy="620" rx="560" ry="180" fill="#f7f3ec"/>` +
    `<ellipse cx="760" cy="610" rx="480" ry="140" fill="${light}" opacity="0.35"/>` +
    times(5, (i) => {
      const x = 440 + (i % 3) * 260 + (i >= 3 ? 130 : 0);
      const y = 560 + (i >= 3 ? 100 : 0);
      return group(
        `translate(${x} ${y})`,
        path('M-120 30 C-120 -90 120 -90 120 30 Z', '#fbf4e6') +
          path('M-120 30 C-60 50 60 50 120 30', 'none', `stroke="${mid}" stroke-width="6" opacity="0.5"`) +
          times(5, (p) => line(-70 + p * 35, -40 + Math.abs(p - 2) * 12, -62 + p * 35, -8, mid, 5, 'opacity="0.45"')),
      );
    }) +
    circle(1320, 500, 110, '#f7f3ec') +
    circle(1320, 500, 80, dark) +
    line(1100, 260, 1500, 420, '#b07d4f', 16) +
    line(1120, 225, 1520, 360, '#b07d4f', 16),

  disks: ({ ink: [dark, mid, light] }) =>
    times(3, (i) => {
      const y = 560 - i * 150;
      return (
        rect(520, y, 460, 130, i === 0 ? dark : mid) +
        `<ellipse cx="750" cy="${y + 130}" rx="230" ry="60" fill="${i === 0 ? dark : mid}"/>` +
        `<ellipse cx="750" cy="${y}" rx="230" ry="60" fill="${light}"/>` +
        circle(930, y + 80, 10, '#7CFC9A')
      );
    }) +
    path('M1130 300 A260 260 0 1 1 1040 740', 'none', `stroke="${light}" stroke-width="30" stroke-linecap="round"`) +
    path('M1000 700 L1070 770 L980 790 Z', light),
};

/** The SVG of `scene` at `width`×`height` (the 1600×900 drawing scaled and cropped to fit). */
export function sceneSvg(scene: Scene, width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="xMidYMid slice">
<defs>
<linearGradient id="sky" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="${H}"><stop offset="0" stop-color="${scene.sky[0]}"/><stop offset="1" stop-color="${scene.sky[1]}"/></linearGradient>
<radialGradient id="vignette" cx="0.5" cy="0.45" r="0.75"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.28"/></radialGradient>
</defs>
${rect(0, 0, W, H, 'url(#sky)')}
${DRAWINGS[scene.kind](scene)}
${rect(0, 0, W, H, 'url(#vignette)')}
</svg>`;
}

/** `scene` as an opaque PNG (no alpha channel, so the library's fallback variant is a JPEG). */
export function scenePng(scene: Scene, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(scene, width, height)))
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
}
