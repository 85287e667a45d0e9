/*
 * risk_map_schemas.h — the JSON shapes of the four-colour map's and the notice card's API
 * routes for the OpenAPI document (struct module_schema), spliced into the risk module's
 * list in risk_schemas.c. Uses that file's ID and STR macros.
 */
#ifndef ANQUAN_RISK_MAP_SCHEMAS_H
#define ANQUAN_RISK_MAP_SCHEMAS_H

#define RISK_MAP_POINTS "{\"type\":\"array\",\"minItems\":3,\"maxItems\":200,\"description\":\"corners in drawing pixels, " \
	"each inside the drawing\",\"items\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":2,\"items\":{\"type\":\"number\",\"minimum\":0}}}"
#define RISK_MAP_LEVEL "{\"type\":\"string\",\"enum\":[\"major\",\"large\",\"general\",\"low\",\"none\"]}"
#define RISK_MAP_COLOUR "{\"type\":\"string\",\"enum\":[\"red\",\"orange\",\"yellow\",\"blue\",\"grey\"]}"
#define RISK_MAP_AREA "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR ",\"unit_id\":" ID ",\"unit_name\":" STR "," \
	"\"level\":" RISK_MAP_LEVEL ",\"colour\":" RISK_MAP_COLOUR ",\"objects\":{\"type\":\"integer\"}," \
	"\"points\":{\"nullable\":true,\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}},\"href\":" STR "}}"
#define RISK_MAP_DRAWING_PROPS "\"properties\":{\"id\":" ID ",\"unit_id\":" ID ",\"width\":{\"type\":\"integer\"}," \
	"\"height\":{\"type\":\"integer\"},\"url\":" STR "}"
#define RISK_MAP_DRAWING "{\"type\":\"object\"," RISK_MAP_DRAWING_PROPS "}"

#define RISK_MAP_SCHEMAS \
	{"GET", "/api/v1/risk/map", NULL, "{\"type\":\"object\",\"properties\":{\"unit_id\":" ID ",\"unit_name\":" STR "," \
	 "\"drawing\":{\"type\":\"object\",\"nullable\":true," RISK_MAP_DRAWING_PROPS "},\"areas\":{\"type\":\"array\",\"items\":" RISK_MAP_AREA "}}}"}, \
	{"POST", "/api/v1/risk/map/drawing", "{\"type\":\"object\",\"x-media\":\"multipart/form-data\",\"required\":[\"drawing\"]," \
	 "\"description\":\"or the image itself as the body\",\"properties\":{\"drawing\":{\"type\":\"string\",\"format\":\"binary\"," \
	 "\"description\":\"PNG or JPEG, at most 8 MiB\"},\"unit_id\":" ID "}}", RISK_MAP_DRAWING}, \
	{"PUT", "/api/v1/risk/map/areas/:id", "{\"type\":\"object\",\"required\":[\"points\"],\"properties\":{\"points\":" RISK_MAP_POINTS "}}", \
	 RISK_MAP_AREA}, \
	{"GET", "/api/v1/risk/objects/:id/card", NULL, "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR ",\"kind\":" STR "," \
	 "\"unit_id\":" ID ",\"unit_name\":" STR ",\"place\":" STR ",\"level\":" STR ",\"colour\":" STR ",\"responsible\":" STR "," \
	 "\"phone\":" STR ",\"report_url\":" STR ",\"events\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	 "\"name\":" STR ",\"hazards\":" STR ",\"level\":" STR ",\"colour\":" STR ",\"accidents\":" STR ",\"consequence\":" STR "," \
	 "\"emergency\":" STR ",\"measures\":{\"type\":\"array\",\"items\":" STR "}}}}}}"}

#endif
