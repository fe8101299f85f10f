"""DCAT-AP: the catalog (paged, Hydra) and each dataset as Turtle or JSON-LD, built with rdflib."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from satudata.core.access import public
from satudata.core.paging import page_number
from satudata.datasets import search as catalog_search
from satudata.datasets.models import Dataset, Release

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PAGE_SIZE = 100
FORMATS = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json")}
# DCAT-AP wants IRIs from controlled vocabularies, not words: the EU's file types, languages
# and data themes, IANA's media types, the licence's own document.
EU = "http://publications.europa.eu/resource/authority/"
INDONESIAN = URIRef(EU + "language/IND")
DISTRIBUTIONS = (
    ("csv", "text/csv", "CSV"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ("json", "application/json", "JSON"),
)
LICENSES = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
}
# Our topics in the EU data-theme vocabulary where the match is plain; "infrastructure"
# (roads, buildings, water) has none, so it keeps only the portal's own concept.
EU_THEMES = {
    "health": "HEAL",
    "education": "EDUC",
    "social": "SOCI",
    "economy": "ECON",
    "environment": "ENVI",
    "population": "SOCI",
    "government": "GOVE",
}


def _graph() -> Graph:
    graph = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("hydra", HYDRA),
        ("vcard", VCARD),
        ("skos", SKOS),
    ):
        graph.bind(prefix, ns)
    return graph


def add_dataset(graph: Graph, request, dataset: Dataset) -> URIRef:
    page = request.build_absolute_uri(reverse("datasets:detail", args=[dataset.slug]))
    node = URIRef(page)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.uuid))))
    graph.add((node, DCTERMS.title, Literal(dataset.title)))
    graph.add((node, DCTERMS.description, Literal(dataset.description or dataset.title)))
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, DCTERMS.issued, Literal(dataset.created_at, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.modified, Literal(dataset.modified_at, datatype=XSD.dateTime)))
    graph.add((node, DCTERMS.language, INDONESIAN))
    if dataset.topic in EU_THEMES:
        graph.add((node, DCAT.theme, URIRef(EU + "data-theme/" + EU_THEMES[dataset.topic])))
    topic = URIRef(
        request.build_absolute_uri(reverse("datasets:catalog")) + f"?topic={dataset.topic}"
    )
    graph.add((node, DCAT.theme, topic))
    graph.add((topic, RDF.type, SKOS.Concept))
    graph.add((topic, SKOS.prefLabel, Literal(str(dataset.get_topic_display()))))
    licence = _licence(graph, dataset)
    for tag in dataset.tags.all():
        graph.add((node, DCAT.keyword, Literal(tag.name)))
    publisher = URIRef(
        request.build_absolute_uri(reverse("datasets:agency", args=[dataset.agency.slug]))
    )
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(dataset.agency.name)))
    if dataset.contact:
        contact = BNode()
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(dataset.contact)))
    for region in dataset.regions.all():
        place = URIRef(request.build_absolute_uri(reverse("regions:detail", args=[region.code])))
        graph.add((node, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, DCTERMS.identifier, Literal(region.code)))
        graph.add((place, SKOS.prefLabel, Literal(region.name)))
    releases = dataset.releases.filter(status=Release.Status.PUBLISHED)
    for release in releases:
        for fmt, media, file_type in DISTRIBUTIONS:
            url = URIRef(
                request.build_absolute_uri(
                    reverse("datasets:download", args=[dataset.slug, release.uuid, fmt])
                )
            )
            dist = URIRef(f"{page}#{release.uuid}-{fmt}")
            graph.add((node, DCAT.distribution, dist))
            graph.add((dist, RDF.type, DCAT.Distribution))
            graph.add((dist, DCTERMS.title, Literal(f"{release.period_label} v{release.version}")))
            graph.add((dist, DCAT.accessURL, url))
            graph.add((dist, DCAT.downloadURL, url))
            graph.add((dist, DCTERMS.format, URIRef(EU + "file-type/" + file_type)))
            graph.add(
                (
                    dist,
                    DCAT.mediaType,
                    URIRef("https://www.iana.org/assignments/media-types/" + media),
                )
            )
            graph.add((dist, DCTERMS.license, licence))
            graph.add((dist, DCTERMS.issued, Literal(release.created_at, datatype=XSD.dateTime)))
    return node


def _licence(graph: Graph, dataset: Dataset):
    """The licence document's IRI when it has one; else a described licence document."""
    node = URIRef(LICENSES[dataset.license]) if dataset.license in LICENSES else BNode()
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, RDFS.label, Literal(str(dataset.get_license_display()))))
    return node


def _response(graph: Graph, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("ttl or jsonld")
    syntax, media = FORMATS[fmt]
    return HttpResponse(graph.serialize(format=syntax), content_type=f"{media}; charset=utf-8")


@public
def catalog_view(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404("ttl or jsonld")
    page = page_number(request)
    graph = _graph()
    base = request.build_absolute_uri(f"/catalog.{fmt}")
    catalog = URIRef(request.build_absolute_uri("/data/"))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Satu Data")))
    graph.add((catalog, DCTERMS.description, Literal("Open data of the regency's agencies.")))
    graph.add((catalog, FOAF.homepage, URIRef(request.build_absolute_uri("/"))))
    graph.add((catalog, DCTERMS.language, INDONESIAN))
    datasets = catalog_search.catalog(request.user).filter(access_level=Dataset.Access.OPEN)
    total = datasets.count()
    window = datasets.order_by("pk").select_related("agency").prefetch_related("tags", "regions")
    for dataset in window[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        graph.add((catalog, DCAT.dataset, add_dataset(graph, request, dataset)))
    paging = URIRef(f"{base}?page={page}")
    graph.add((paging, RDF.type, HYDRA.PagedCollection))
    graph.add((paging, HYDRA.totalItems, Literal(total)))
    graph.add((paging, HYDRA.itemsPerPage, Literal(PAGE_SIZE)))
    graph.add((paging, HYDRA.firstPage, Literal(f"{base}?page=1")))
    last = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    graph.add((paging, HYDRA.lastPage, Literal(f"{base}?page={last}")))
    if page < last:
        graph.add((paging, HYDRA.nextPage, Literal(f"{base}?page={page + 1}")))
    return _response(graph, fmt)


@public
def dataset_view(request, slug: str, fmt: str):
    dataset = get_object_or_404(
        catalog_search.catalog(request.user).filter(access_level=Dataset.Access.OPEN), slug=slug
    )
    graph = _graph()
    add_dataset(graph, request, dataset)
    return _response(graph, fmt)
