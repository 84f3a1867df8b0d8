"""Colour names and the colour-space conversions Home Assistant's light service applies.

A spoken colour becomes an RGB triple through the CSS3 table Home Assistant uses for `color_name`,
then HA converts it to whatever the light natively takes (RGBW, RGBWW, HS or XY). The formulas
below give the same numbers as `homeassistant.util.color`, so the payloads match what HA sends.
"""

from __future__ import annotations

import colorsys
import math

RGB = tuple[int, int, int]

# CSS3 colour names (w3.org), written without spaces so "dark sea green" and "darkseagreen" match;
# the same table Home Assistant uses for the light service's `color_name`.
COLORS: dict[str, RGB] = {
    "aliceblue": (240, 248, 255),
    "antiquewhite": (250, 235, 215),
    "aqua": (0, 255, 255),
    "aquamarine": (127, 255, 212),
    "azure": (240, 255, 255),
    "beige": (245, 245, 220),
    "bisque": (255, 228, 196),
    "black": (0, 0, 0),
    "blanchedalmond": (255, 235, 205),
    "blue": (0, 0, 255),
    "blueviolet": (138, 43, 226),
    "brown": (165, 42, 42),
    "burlywood": (222, 184, 135),
    "cadetblue": (95, 158, 160),
    "chartreuse": (127, 255, 0),
    "chocolate": (210, 105, 30),
    "coral": (255, 127, 80),
    "cornflowerblue": (100, 149, 237),
    "cornsilk": (255, 248, 220),
    "crimson": (220, 20, 60),
    "cyan": (0, 255, 255),
    "darkblue": (0, 0, 139),
    "darkcyan": (0, 139, 139),
    "darkgoldenrod": (184, 134, 11),
    "darkgray": (169, 169, 169),
    "darkgreen": (0, 100, 0),
    "darkgrey": (169, 169, 169),
    "darkkhaki": (189, 183, 107),
    "darkmagenta": (139, 0, 139),
    "darkolivegreen": (85, 107, 47),
    "darkorange": (255, 140, 0),
    "darkorchid": (153, 50, 204),
    "darkred": (139, 0, 0),
    "darksalmon": (233, 150, 122),
    "darkseagreen": (143, 188, 143),
    "darkslateblue": (72, 61, 139),
    "darkslategray": (47, 79, 79),
    "darkslategrey": (47, 79, 79),
    "darkturquoise": (0, 206, 209),
    "darkviolet": (148, 0, 211),
    "deeppink": (255, 20, 147),
    "deepskyblue": (0, 191, 255),
    "dimgray": (105, 105, 105),
    "dimgrey": (105, 105, 105),
    "dodgerblue": (30, 144, 255),
    "firebrick": (178, 34, 34),
    "floralwhite": (255, 250, 240),
    "forestgreen": (34, 139, 34),
    "fuchsia": (255, 0, 255),
    "gainsboro": (220, 220, 220),
    "ghostwhite": (248, 248, 255),
    "gold": (255, 215, 0),
    "goldenrod": (218, 165, 32),
    "gray": (128, 128, 128),
    "green": (0, 128, 0),
    "greenyellow": (173, 255, 47),
    "grey": (128, 128, 128),
    "honeydew": (240, 255, 240),
    "hotpink": (255, 105, 180),
    "indianred": (205, 92, 92),
    "indigo": (75, 0, 130),
    "ivory": (255, 255, 240),
    "khaki": (240, 230, 140),
    "lavender": (230, 230, 250),
    "lavenderblush": (255, 240, 245),
    "lawngreen": (124, 252, 0),
    "lemonchiffon": (255, 250, 205),
    "lightblue": (173, 216, 230),
    "lightcoral": (240, 128, 128),
    "lightcyan": (224, 255, 255),
    "lightgoldenrodyellow": (250, 250, 210),
    "lightgray": (211, 211, 211),
    "lightgreen": (144, 238, 144),
    "lightgrey": (211, 211, 211),
    "lightpink": (255, 182, 193),
    "lightsalmon": (255, 160, 122),
    "lightseagreen": (32, 178, 170),
    "lightskyblue": (135, 206, 250),
    "lightslategray": (119, 136, 153),
    "lightslategrey": (119, 136, 153),
    "lightsteelblue": (176, 196, 222),
    "lightyellow": (255, 255, 224),
    "lime": (0, 255, 0),
    "limegreen": (50, 205, 50),
    "linen": (250, 240, 230),
    "magenta": (255, 0, 255),
    "maroon": (128, 0, 0),
    "mediumaquamarine": (102, 205, 170),
    "mediumblue": (0, 0, 205),
    "mediumorchid": (186, 85, 211),
    "mediumpurple": (147, 112, 219),
    "mediumseagreen": (60, 179, 113),
    "mediumslateblue": (123, 104, 238),
    "mediumspringgreen": (0, 250, 154),
    "mediumturquoise": (72, 209, 204),
    "mediumvioletred": (199, 21, 133),
    "midnightblue": (25, 25, 112),
    "mintcream": (245, 255, 250),
    "mistyrose": (255, 228, 225),
    "moccasin": (255, 228, 181),
    "navajowhite": (255, 222, 173),
    "navy": (0, 0, 128),
    "navyblue": (0, 0, 128),
    "oldlace": (253, 245, 230),
    "olive": (128, 128, 0),
    "olivedrab": (107, 142, 35),
    "orange": (255, 165, 0),
    "orangered": (255, 69, 0),
    "orchid": (218, 112, 214),
    "palegoldenrod": (238, 232, 170),
    "palegreen": (152, 251, 152),
    "paleturquoise": (175, 238, 238),
    "palevioletred": (219, 112, 147),
    "papayawhip": (255, 239, 213),
    "peachpuff": (255, 218, 185),
    "peru": (205, 133, 63),
    "pink": (255, 192, 203),
    "plum": (221, 160, 221),
    "powderblue": (176, 224, 230),
    "purple": (128, 0, 128),
    "red": (255, 0, 0),
    "rosybrown": (188, 143, 143),
    "royalblue": (65, 105, 225),
    "saddlebrown": (139, 69, 19),
    "salmon": (250, 128, 114),
    "sandybrown": (244, 164, 96),
    "seagreen": (46, 139, 87),
    "seashell": (255, 245, 238),
    "sienna": (160, 82, 45),
    "silver": (192, 192, 192),
    "skyblue": (135, 206, 235),
    "slateblue": (106, 90, 205),
    "slategray": (112, 128, 144),
    "slategrey": (112, 128, 144),
    "snow": (255, 250, 250),
    "springgreen": (0, 255, 127),
    "steelblue": (70, 130, 180),
    "tan": (210, 180, 140),
    "teal": (0, 128, 128),
    "thistle": (216, 191, 216),
    "tomato": (255, 99, 71),
    "turquoise": (64, 224, 208),
    "violet": (238, 130, 238),
    "wheat": (245, 222, 179),
    "white": (255, 255, 255),
    "whitesmoke": (245, 245, 245),
    "yellow": (255, 255, 0),
    "yellowgreen": (154, 205, 50),
    "homeassistant": (24, 188, 242),
}


# Whites people ask for by name, as colour temperatures in kelvin (not in HA's CSS table).
WHITE_TEMPERATURES: dict[str, int] = {
    "warmwhite": 2700,
    "softwhite": 2700,
    "coolwhite": 6500,
    "daylight": 6500,
    "natural": 4000,
    "naturalwhite": 4000,
    "neutralwhite": 4000,
}


def _key(name: str) -> str:
    return "".join(name.lower().replace("colour", "").replace("color", "").split())


def color_name_to_rgb(name: str) -> RGB | None:
    """The RGB triple for a spoken colour name ("light blue", "Grey"), or None if unknown."""
    return COLORS.get(_key(name))


def color_name_to_kelvin(name: str) -> int | None:
    """The colour temperature for a named white ("warm white"), or None."""
    return WHITE_TEMPERATURES.get(_key(name))


def xy_to_temperature(x: float, y: float) -> int:
    """McCamy's approximation of the colour temperature of an xy colour, as HA uses it."""
    n = (x - 0.3320) / (0.1858 - y)
    return int(437 * n**3 + 3601 * n**2 + 6861 * n + 5517)


def kelvin_to_mired(kelvin: float) -> int:
    return math.floor(1_000_000 / kelvin)


def mired_to_kelvin(mired: float) -> int:
    return math.floor(1_000_000 / mired)


def rgb_to_hs(r: float, g: float, b: float) -> tuple[float, float]:
    """Hue 0-360 and saturation 0-100, rounded to 3 decimals like HA."""
    hue, sat, _ = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
    return round(hue * 360, 3), round(sat * 100, 3)


def hs_to_rgb(hue: float, sat: float) -> RGB:
    red, green, blue = colorsys.hsv_to_rgb(hue / 360, sat / 100, 1.0)
    return round(red * 255), round(green * 255), round(blue * 255)


def _gamma(channel: float) -> float:
    return ((channel + 0.055) / 1.055) ** 2.4 if channel > 0.04045 else channel / 12.92


def rgb_to_xy(r: int, g: int, b: int) -> tuple[float, float]:
    """CIE 1931 xy with the Wide RGB D65 matrix (Philips Hue's conversion), 3 decimals."""
    if r + g + b == 0:
        return 0.0, 0.0
    red, green, blue = _gamma(r / 255), _gamma(g / 255), _gamma(b / 255)
    x_big = red * 0.664511 + green * 0.154324 + blue * 0.162028
    y_big = red * 0.283881 + green * 0.668433 + blue * 0.047685
    z_big = red * 0.000088 + green * 0.072310 + blue * 0.986039
    total = x_big + y_big + z_big
    return round(x_big / total, 3), round(y_big / total, 3)


def hs_to_xy(hue: float, sat: float) -> tuple[float, float]:
    return rgb_to_xy(*hs_to_rgb(hue, sat))


def _match_max_scale(inputs: tuple[float, ...], outputs: tuple[float, ...]) -> tuple[int, ...]:
    """Scale `outputs` so its largest channel equals the largest input channel."""
    max_out = max(outputs)
    factor = max(inputs) / max_out if max_out else 0.0
    return tuple(round(channel * factor) for channel in outputs)


def rgb_to_rgbw(r: int, g: int, b: int) -> tuple[int, ...]:
    white = min(r, g, b)
    return _match_max_scale((r, g, b), (r - white, g - white, b - white, white))


def temperature_to_rgb(kelvin: float) -> tuple[float, float, float]:
    """Tanner Helland's approximation of a black body's colour, as HA uses it."""
    temp = min(max(kelvin, 1000), 40000) / 100
    if temp <= 66:
        red = 255.0
        green = 99.4708025861 * math.log(temp) - 161.1195681661
    else:
        red = 329.698727446 * math.pow(temp - 60, -0.1332047592)
        green = 288.1221695283 * math.pow(temp - 60, -0.0755148492)
    if temp >= 66:
        blue = 255.0
    elif temp <= 19:
        blue = 0.0
    else:
        blue = 138.5177312231 * math.log(temp - 10) - 305.0447927307
    return tuple(min(max(channel, 0.0), 255.0) for channel in (red, green, blue))  # type: ignore[return-value]


def temperature_to_hs(kelvin: float) -> tuple[float, float]:
    return rgb_to_hs(*temperature_to_rgb(kelvin))


def rgb_to_rgbww(r: int, g: int, b: int, min_kelvin: int, max_kelvin: int) -> tuple[int, ...]:
    """Split RGB into colour plus equal cold and warm white, as HA does for RGBWW lights."""
    max_mireds = kelvin_to_mired(min_kelvin)
    min_mireds = kelvin_to_mired(max_kelvin)
    midpoint = mired_to_kelvin(min_mireds + (max_mireds - min_mireds) / 2)
    w_r, w_g, w_b = temperature_to_rgb(midpoint)
    white = min(r / w_r if w_r else 0, g / w_g if w_g else 0, b / w_b if w_b else 0)
    rest = (r - w_r * white, g - w_g * white, b - w_b * white)
    rgbww = (*(round(channel) for channel in rest), round(white * 255), round(white * 255))
    return _match_max_scale((r, g, b), rgbww)


def temperature_to_rgbww(kelvin: int, brightness: int, min_kelvin: int, max_kelvin: int) -> tuple[int, ...]:
    """Cold/warm white levels that mix to `kelvin` at `brightness` (0-255); no colour."""
    max_mireds = kelvin_to_mired(min_kelvin)
    min_mireds = kelvin_to_mired(max_kelvin)
    mired = kelvin_to_mired(kelvin)
    cold = (max_mireds - mired) / (max_mireds - min_mireds) * brightness
    return 0, 0, 0, round(cold), round(brightness - cold)
