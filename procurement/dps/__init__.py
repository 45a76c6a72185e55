"""The partnership's dynamic purchasing system: always open to suppliers, admitted by category,
with call-off competitions among admitted suppliers."""
