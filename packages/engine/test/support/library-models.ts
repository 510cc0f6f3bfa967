/**
 * The models the ORM conformance tests share: publishers, authors, books (with a nullable and a
 * required ForeignKey), book profiles (one-to-one) and reviews, plus a table of tricky strings.
 */
import {
  BooleanField,
  CharField,
  DateTimeField,
  defineModel,
  FloatField,
  ForeignKey,
  Index,
  IntegerField,
  JSONField,
  OneToOneField,
  TextField,
} from '../../src/index.js'

export const Publisher = defineModel('library.Publisher', {
  fields: {
    name: new CharField({ maxLength: 100, unique: true }),
    country: new CharField({ maxLength: 2, default: 'US' }),
  },
  meta: { ordering: ['name'] },
})

export const Author = defineModel('library.Author', {
  fields: {
    name: new CharField({ maxLength: 100 }),
    age: new IntegerField({ default: 0 }),
    email: new CharField({ maxLength: 254, null: true, unique: true }),
    publisher: new ForeignKey(() => Publisher, { onDelete: 'SET_NULL', null: true, relatedName: 'authors' }),
  },
  meta: { dbTable: 'authors', ordering: ['name'] },
})

export const Book = defineModel('library.Book', {
  fields: {
    title: new CharField({ maxLength: 200 }),
    author: new ForeignKey(() => Author, { onDelete: 'CASCADE', relatedName: 'books' }),
    pages: new IntegerField({ default: 0 }),
    rating: new FloatField({ null: true }),
    inPrint: new BooleanField({ default: true }),
    publishedAt: new DateTimeField({ null: true }),
    meta: new JSONField({ null: true }),
  },
  meta: { indexes: [new Index({ fields: ['title'], name: 'book_title_idx' })] },
})

export const BookProfile = defineModel('library.BookProfile', {
  fields: {
    book: new OneToOneField(() => Book, { onDelete: 'CASCADE', relatedName: 'profile' }),
    blurb: new TextField({ default: '' }),
  },
})

export const Review = defineModel('library.Review', {
  fields: {
    book: new ForeignKey(() => Book, { onDelete: 'CASCADE', relatedName: 'reviews' }),
    stars: new IntegerField(),
  },
})

export const Contract = defineModel('library.Contract', {
  fields: {
    author: new ForeignKey(() => Author, { onDelete: 'PROTECT', relatedName: 'contracts' }),
    amount: new IntegerField({ default: 0 }),
  },
})

export const Note = defineModel('library.Note', {
  fields: { body: new TextField() },
})

export const LIBRARY_MODELS = [Publisher, Author, Book, BookProfile, Review, Contract, Note]
