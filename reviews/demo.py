"""Each demo department's library of standard comments (seed_demo), citing the model codes the
demo city adopted: the 2021 IBC and IFC, NFPA standards, the 2010 ADA Standards, and its zoning
ordinance (Title 17 of its municipal code)."""

from reviews.models import StandardComment

LIBRARIES = {
    "planning": [
        (
            "setbacks",
            "Zoning Code §17.20.040",
            "Dimension the front, side and rear setbacks from the property lines to the building face; show they meet the district minimums.",
        ),
        (
            "height",
            "Zoning Code §17.20.050",
            "Show the building height measured from average finished grade to the top of the roof structure, and the district limit.",
        ),
        (
            "parking",
            "Zoning Code §17.64.030",
            "Add a parking table: spaces required by use, spaces provided, and accessible spaces per 2010 ADA Standards 208.2.",
        ),
        (
            "landscape",
            "Zoning Code §17.68.020",
            "Provide a landscape plan with planting areas, tree species and sizes, and the irrigation point of connection.",
        ),
        (
            "lighting",
            "Zoning Code §17.60.030",
            "Provide a photometric plan: site lighting shall not exceed 0.5 foot-candle at the property line.",
        ),
    ],
    "building": [
        (
            "egress",
            "IBC 1005.3.2",
            "Egress width: show the occupant load served and the required width (0.2 in per occupant) at each door, corridor and exit.",
        ),
        (
            "stair",
            "IBC 1011.5.2",
            "Stair risers shall be 7 in maximum and 4 in minimum; treads 11 in minimum. Dimension them on the stair section.",
        ),
        (
            "guard",
            "IBC 1015.3",
            "Guards shall be 42 in high minimum, measured from the walking surface; show on the section and detail.",
        ),
        (
            "occload",
            "IBC 1004.5",
            "Provide an occupant load table per Table 1004.5 for each room and floor, with the function of space and area.",
        ),
        (
            "rated",
            "IBC 707.3",
            "Identify the fire-resistance rating and the tested assembly (UL or GA number) for each fire barrier.",
        ),
        (
            "accessible",
            "IBC 1104.1",
            "Show an accessible route from the site arrival points (public way, parking, passenger loading) to the entrance.",
        ),
    ],
    "fire": [
        (
            "access",
            "IFC 503.2.1",
            "Fire apparatus access roads: 20 ft unobstructed width and 13 ft 6 in vertical clearance; dimension on the site plan.",
        ),
        (
            "hydrant",
            "IFC 507.5.1",
            "Show existing and proposed fire hydrants; every portion of the building within 400 ft of a hydrant on an access road.",
        ),
        (
            "fdc",
            "IFC 912.2",
            "Locate the fire department connection on the street side, visible and within 100 ft of a hydrant, as approved.",
        ),
        (
            "sprinkler",
            "NFPA 13",
            "Automatic sprinkler system per NFPA 13 (2022); shop drawings and hydraulic calculations are a deferred submittal.",
        ),
        (
            "alarm",
            "NFPA 72",
            "Fire alarm and detection per NFPA 72 (2022); submit shop drawings and a sequence of operations before installation.",
        ),
        (
            "knox",
            "IFC 506.1",
            "Provide a key box (Knox) at the main entrance, mounted 5 ft 6 in above grade; show its location on the plans.",
        ),
    ],
    "engineering": [
        (
            "grading",
            "IBC 1804.4",
            "Grade away from the foundation: 6 in of fall within the first 10 ft (5%); show spot elevations.",
        ),
        (
            "stormwater",
            "40 CFR 122.26 (NPDES)",
            "Disturbance of one acre or more: provide the stormwater pollution prevention plan and the NPDES permit number.",
        ),
        (
            "sidewalk",
            "2010 ADA Standards 403.3",
            "Cross slope of the sidewalk and the accessible route shall not exceed 1:48 (2%); show spot grades.",
        ),
        (
            "ramp",
            "2010 ADA Standards 405.2",
            "Curb ramps and ramps: running slope 1:12 (8.33%) maximum; detail the ramp with landings.",
        ),
        (
            "utilities",
            "IPC 603.2",
            "Show the water service size, meter location and the separation from the building sewer (5 ft horizontal).",
        ),
    ],
}


def seed_standard_comments(departments):
    """`departments`: {slug: Department}. Adds the comments each library lacks; keeps edits."""
    for slug, entries in LIBRARIES.items():
        department = departments.get(slug)
        if department is None:
            continue
        for shortcut, code, text in entries:
            StandardComment.objects.get_or_create(
                department=department, owner=None, shortcut=shortcut, defaults={"code": code, "text": text}
            )
