// What the JSON routes (/sync, /webhook) say to a body that is not JSON, whoever rejects it: the
// content-type parser (415 before the handler) or the handler (a text/plain body parsed to a string).
export const NOT_JSON = 'expected a JSON body (Content-Type: application/json)';
